#include "persistence/sqlite_checkpointer.hpp"

#include <iostream>
#include <pthread.h>

#include <sqlite3.h>

namespace actodo::persistence {

caf::expected<std::unique_ptr<sqlite_checkpointer>>
sqlite_checkpointer::open(const std::string& path, const std::string& sync,
                          int64_t threshold_pages, int64_t limit_pages) {
  // The checkpoint syncs the database file before the WAL may restart: with
  // the same `synchronous` as the writer.
  auto db = open_database(path, synchronous_pragma(sync));
  if (!db)
    return std::move(db.error());
  return std::unique_ptr<sqlite_checkpointer>{
    new sqlite_checkpointer(std::move(*db), threshold_pages, limit_pages)};
}

sqlite_checkpointer::sqlite_checkpointer(connection db, int64_t threshold,
                                         int64_t limit)
  : db_(std::move(db)), threshold_(threshold), limit_(limit) {
  thread_ = std::thread{[this] { run(); }};
}

sqlite_checkpointer::~sqlite_checkpointer() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void sqlite_checkpointer::watch(sqlite3* writer) {
  // Replaces SQLite's automatic checkpoint (itself a WAL hook).
  sqlite3_wal_hook(writer, &sqlite_checkpointer::on_commit, this);
}

int64_t sqlite_checkpointer::checkpoints() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return done_;
}

int sqlite_checkpointer::on_commit(void* ptr, sqlite3* db, const char* name,
                                   int pages) {
  auto* self = static_cast<sqlite_checkpointer*>(ptr);
  if (pages >= self->limit_) {
    // Far behind (a long-lived reader, a slow disk): bound the WAL here.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    return SQLITE_OK;
  }
  if (pages >= self->threshold_) {
    {
      std::lock_guard<std::mutex> guard{self->mtx_};
      self->wanted_ = true;
    }
    self->cv_.notify_one();
  }
  return SQLITE_OK;
}

void sqlite_checkpointer::run() {
  ::pthread_setname_np(::pthread_self(), "actodo.ckpt"); // For top and perf.
  std::unique_lock<std::mutex> lock{mtx_};
  for (;;) {
    cv_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_)
      return;
    wanted_ = false;
    lock.unlock();
    auto rc = sqlite3_wal_checkpoint_v2(
      db_.get(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      std::cerr << "actodo: sqlite checkpoint failed: "
                << sqlite3_errmsg(db_.get()) << '\n';
    lock.lock();
    ++done_;
  }
}

} // namespace actodo::persistence
