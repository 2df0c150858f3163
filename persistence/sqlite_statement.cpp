#include "persistence/sqlite_statement.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/error.hpp"

namespace actodo::persistence {

caf::error sqlite_failure(std::string what) {
  return caf::make_error(ec::store_failure, std::move(what));
}

caf::expected<sqlite3*> open_database(const std::string& data_dir,
                                      const std::string& setup_sql) {
  auto path = data_dir + "/actodo.db";
  // SQLite gives the WAL and shared-memory files the database file's mode:
  // create it private, and make existing files private too.
  if (auto fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      fd >= 0) {
    ::fchmod(fd, 0600);
    ::close(fd);
  }
  for (auto suffix : {"-wal", "-shm"})
    ::chmod((path + suffix).c_str(), 0600);
  sqlite3* db = nullptr;
  auto flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    auto msg = std::string{db ? sqlite3_errmsg(db) : "out of memory"};
    sqlite3_close(db);
    return sqlite_failure("cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  auto sql = "PRAGMA journal_mode=WAL;" + setup_sql;
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    auto err = sqlite_failure(path + ": " + (msg ? msg : "setup failed"));
    sqlite3_free(msg);
    sqlite3_close(db);
    return err;
  }
  return db;
}

caf::error sqlite_statement::fail() {
  auto err = sqlite_failure(error_);
  reset();
  return err;
}

sqlite_statement::sqlite_statement(sqlite3* db, std::string_view sql)
  : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr)
      != SQLITE_OK)
    error_ = sqlite3_errmsg(db);
}

sqlite_statement::~sqlite_statement() {
  sqlite3_finalize(stmt_);
}

sqlite_statement& sqlite_statement::bind(int index, std::string_view value) {
  if (ok()
      && sqlite3_bind_text(stmt_, index, value.data(),
                           static_cast<int>(value.size()), SQLITE_TRANSIENT)
           != SQLITE_OK)
    error_ = sqlite3_errmsg(db_);
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, int64_t value) {
  if (ok() && sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
    error_ = sqlite3_errmsg(db_);
  return *this;
}

bool sqlite_statement::step() {
  if (!ok())
    return false;
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW: return true;
    case SQLITE_DONE: return false;
    default: error_ = sqlite3_errmsg(db_); return false;
  }
}

void sqlite_statement::reset() {
  if (stmt_ == nullptr)
    return; // A statement that failed to prepare keeps its error.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  error_.clear();
}

int64_t sqlite_statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string sqlite_statement::column_text(int index) const {
  auto text = sqlite3_column_text(stmt_, index);
  auto size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr)
    return {};
  return std::string{reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size)};
}

} // namespace actodo::persistence
