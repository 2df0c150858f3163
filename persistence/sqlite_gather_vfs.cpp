#include "persistence/sqlite_gather_vfs.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include <sqlite3.h>

#include "persistence/sqlite_statement.hpp"

namespace actodo::persistence {

namespace {

constexpr size_t gather_limit = 1 << 20;

/// What SQLite holds for a file opened through this VFS; the default VFS's
/// file follows it in the same allocation (`szOsFile`).
struct gather_file {
  sqlite3_file base;
  sqlite3_file* real;
  /// Held bytes of a WAL file (null for other files) and their offset.
  std::vector<char>* held;
  sqlite3_int64 held_at;
};

sqlite3_vfs* root = nullptr;
std::atomic<uint64_t> wal_writes{0};
sqlite3_vfs gather_vfs;
sqlite3_io_methods gather_methods;

gather_file* as_gather(sqlite3_file* file) {
  return reinterpret_cast<gather_file*>(file);
}

sqlite3_file* real(sqlite3_file* file) {
  return as_gather(file)->real;
}

/// The most the unix VFS writes in one call: it masks a write's length
/// with 0x1ffff (os_unix.c, `seekAndWriteFd`) and calls a longer one short
/// (`SQLITE_FULL`).
constexpr size_t largest_write = 0x1ffff;

/// Writes what is held, in `pwrite`s of up to `largest_write` bytes. On a
/// failure what was not written stays held (a later sync tries again), so
/// no byte SQLite wrote is ever dropped.
int flush(gather_file* f) {
  if (f->held == nullptr || f->held->empty())
    return SQLITE_OK;
  auto& held = *f->held;
  size_t done = 0;
  auto rc = SQLITE_OK;
  while (done < held.size()) {
    auto n = std::min(largest_write, held.size() - done);
    wal_writes.fetch_add(1, std::memory_order_relaxed);
    rc = f->real->pMethods->xWrite(
      f->real, held.data() + done, static_cast<int>(n),
      f->held_at + static_cast<sqlite3_int64>(done));
    if (rc != SQLITE_OK)
      break;
    done += n;
  }
  held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(done));
  f->held_at += static_cast<sqlite3_int64>(done);
  return rc;
}

int x_write(sqlite3_file* file, const void* data, int n, sqlite3_int64 at) {
  auto* f = as_gather(file);
  if (f->held == nullptr)
    return f->real->pMethods->xWrite(f->real, data, n, at);
  auto& held = *f->held;
  auto bytes = static_cast<const char*>(data);
  auto end = f->held_at + static_cast<sqlite3_int64>(held.size());
  if (!held.empty() && at >= f->held_at && at + n <= end) {
    // A frame of this transaction written again (SQLite does that).
    std::memcpy(held.data() + (at - f->held_at), bytes, n);
    return SQLITE_OK;
  }
  if (!held.empty() && at == end && held.size() + n <= gather_limit) {
    held.insert(held.end(), bytes, bytes + n);
    return SQLITE_OK;
  }
  if (auto rc = flush(f); rc != SQLITE_OK)
    return rc;
  if (static_cast<size_t>(n) >= gather_limit) // Not from SQLite's WAL code.
    return f->real->pMethods->xWrite(f->real, data, n, at);
  // Within the capacity reserved at open: no allocation, nothing throws.
  held.assign(bytes, bytes + n);
  f->held_at = at;
  return SQLITE_OK;
}

int x_close(sqlite3_file* file) {
  auto* f = as_gather(file);
  auto rc = flush(f);
  auto closed = f->real->pMethods->xClose(f->real);
  delete f->held;
  f->held = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* file, void* out, int n, sqlite3_int64 at) {
  if (auto rc = flush(as_gather(file)); rc != SQLITE_OK)
    return rc;
  return real(file)->pMethods->xRead(real(file), out, n, at);
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (auto rc = flush(as_gather(file)); rc != SQLITE_OK)
    return rc;
  return real(file)->pMethods->xTruncate(real(file), size);
}

int x_sync(sqlite3_file* file, int flags) {
  if (auto rc = flush(as_gather(file)); rc != SQLITE_OK)
    return rc;
  return real(file)->pMethods->xSync(real(file), flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (auto rc = flush(as_gather(file)); rc != SQLITE_OK)
    return rc;
  return real(file)->pMethods->xFileSize(real(file), size);
}

// Everything else goes straight through.

int x_lock(sqlite3_file* file, int level) {
  return real(file)->pMethods->xLock(real(file), level);
}

int x_unlock(sqlite3_file* file, int level) {
  return real(file)->pMethods->xUnlock(real(file), level);
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
  return real(file)->pMethods->xCheckReservedLock(real(file), out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
  return real(file)->pMethods->xFileControl(real(file), op, arg);
}

int x_sector_size(sqlite3_file* file) {
  return real(file)->pMethods->xSectorSize(real(file));
}

int x_device_characteristics(sqlite3_file* file) {
  return real(file)->pMethods->xDeviceCharacteristics(real(file));
}

int x_shm_map(sqlite3_file* file, int page, int size, int extend,
              void volatile** out) {
  return real(file)->pMethods->xShmMap(real(file), page, size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real(file)->pMethods->xShmLock(real(file), offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) {
  real(file)->pMethods->xShmBarrier(real(file));
}

int x_shm_unmap(sqlite3_file* file, int remove) {
  return real(file)->pMethods->xShmUnmap(real(file), remove);
}

int x_fetch(sqlite3_file* file, sqlite3_int64 at, int n, void** out) {
  return real(file)->pMethods->xFetch(real(file), at, n, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 at, void* page) {
  return real(file)->pMethods->xUnfetch(real(file), at, page);
}

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags,
           int* out_flags) {
  auto* f = as_gather(file);
  f->base.pMethods = nullptr; // SQLite calls no method of a failed open.
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->held = nullptr;
  f->held_at = 0;
  auto rc = root->xOpen(root, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK)
    return rc;
  if (f->real->pMethods->iVersion < 3) { // Not the unix VFS: no gathering.
    f->real->pMethods->xClose(f->real);
    return SQLITE_CANTOPEN;
  }
  if ((flags & SQLITE_OPEN_WAL) != 0) {
    try {
      f->held = new std::vector<char>;
      f->held->reserve(gather_limit);
    } catch (const std::bad_alloc&) {
      delete f->held;
      f->held = nullptr;
      f->real->pMethods->xClose(f->real);
      return SQLITE_NOMEM;
    }
  }
  f->base.pMethods = &gather_methods;
  return SQLITE_OK;
}

// The VFS's own methods, on the default VFS.

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return root->xDelete(root, name, sync_dir);
}

int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return root->xAccess(root, name, flags, out);
}

int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return root->xFullPathname(root, name, n, out);
}

void* x_dl_open(sqlite3_vfs*, const char* name) {
  return root->xDlOpen(root, name);
}

void x_dl_error(sqlite3_vfs*, int n, char* out) {
  root->xDlError(root, n, out);
}

void (*x_dl_sym(sqlite3_vfs*, void* lib, const char* sym))(void) {
  return root->xDlSym(root, lib, sym);
}

void x_dl_close(sqlite3_vfs*, void* lib) {
  root->xDlClose(root, lib);
}

int x_randomness(sqlite3_vfs*, int n, char* out) {
  return root->xRandomness(root, n, out);
}

int x_sleep(sqlite3_vfs*, int micros) {
  return root->xSleep(root, micros);
}

int x_current_time(sqlite3_vfs*, double* out) {
  return root->xCurrentTime(root, out);
}

int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return root->xGetLastError(root, n, out);
}

int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return root->xCurrentTimeInt64(root, out);
}

void register_vfs() {
  root = sqlite3_vfs_find(nullptr);
  gather_methods = sqlite3_io_methods{3,
                                      x_close,
                                      x_read,
                                      x_write,
                                      x_truncate,
                                      x_sync,
                                      x_file_size,
                                      x_lock,
                                      x_unlock,
                                      x_check_reserved_lock,
                                      x_file_control,
                                      x_sector_size,
                                      x_device_characteristics,
                                      x_shm_map,
                                      x_shm_lock,
                                      x_shm_barrier,
                                      x_shm_unmap,
                                      x_fetch,
                                      x_unfetch};
  gather_vfs = sqlite3_vfs{};
  gather_vfs.iVersion = 2;
  gather_vfs.szOsFile = static_cast<int>(sizeof(gather_file)) + root->szOsFile;
  gather_vfs.mxPathname = root->mxPathname;
  gather_vfs.zName = "actodo-gather";
  gather_vfs.xOpen = x_open;
  gather_vfs.xDelete = x_delete;
  gather_vfs.xAccess = x_access;
  gather_vfs.xFullPathname = x_full_pathname;
  gather_vfs.xDlOpen = x_dl_open;
  gather_vfs.xDlError = x_dl_error;
  gather_vfs.xDlSym = x_dl_sym;
  gather_vfs.xDlClose = x_dl_close;
  gather_vfs.xRandomness = x_randomness;
  gather_vfs.xSleep = x_sleep;
  gather_vfs.xCurrentTime = x_current_time;
  gather_vfs.xGetLastError = x_get_last_error;
  gather_vfs.xCurrentTimeInt64 = x_current_time_int64;
  sqlite3_vfs_register(&gather_vfs, 0);
}

} // namespace

bool gathering_is_safe(sqlite3* db) {
  int psow = -1; // Query.
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_POWERSAFE_OVERWRITE, &psow)
        != SQLITE_OK
      || psow != 1)
    return false;
  auto level = sqlite_statement{db, "PRAGMA synchronous"}.run_int();
  return level && *level >= 2; // FULL or EXTRA
}

uint64_t gathered_wal_writes() {
  return wal_writes.load(std::memory_order_relaxed);
}

const char* gather_vfs_name() {
  static std::once_flag once;
  std::call_once(once, register_vfs);
  return gather_vfs.zName;
}

} // namespace actodo::persistence
