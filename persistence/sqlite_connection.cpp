#include "persistence/sqlite_connection.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/sqlite_statement.hpp"

namespace actodo::persistence {

namespace {

constexpr int busy_timeout_ms = 5000;

caf::expected<connection> open_with(const std::string& path, int flags,
                                    const char* vfs = nullptr) {
  sqlite3* db = nullptr;
  auto rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX,
                            vfs);
  connection result{db};
  if (rc != SQLITE_OK)
    return sqlite_failure("cannot open " + path + ": "
                          + (db ? sqlite3_errmsg(db) : "out of memory"));
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return result;
}

} // namespace

void close_connection::operator()(sqlite3* db) const noexcept {
  sqlite3_close_v2(db);
}

std::string database_path(const std::string& data_dir) {
  return data_dir + "/actodo.db";
}

caf::expected<connection> open_database(const std::string& path,
                                        const std::string& setup_sql,
                                        const char* vfs) {
  // SQLite gives the WAL and shared-memory files the database file's mode:
  // create it private, and make existing files private too.
  if (auto fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      fd >= 0) {
    ::fchmod(fd, 0600);
    ::close(fd);
  }
  for (auto suffix : {"-wal", "-shm"})
    ::chmod((path + suffix).c_str(), 0600);
  auto db = open_with(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  if (!db)
    return db;
  if (auto err = execute(db->get(), "PRAGMA journal_mode=WAL;" + setup_sql))
    return sqlite_failure(path + ": " + describe(err));
  return db;
}

caf::expected<connection> open_read_only(const std::string& path) {
  return open_with(path, SQLITE_OPEN_READONLY);
}

std::string synchronous_pragma(const std::string& sync) {
  return std::string{"PRAGMA synchronous="}
         + (sync == "normal" ? "NORMAL" : "FULL") + ";";
}

caf::error execute(sqlite3* db, const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) == SQLITE_OK)
    return caf::none;
  auto err = sqlite_failure(msg ? msg : sqlite3_errmsg(db));
  sqlite3_free(msg);
  return err;
}

} // namespace actodo::persistence
