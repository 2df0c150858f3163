#include "persistence/sqlite_statement.hpp"

#include <sqlite3.h>

#include "config/error.hpp"

namespace actodo::persistence {

caf::error sqlite_failure(std::string what) {
  return caf::make_error(ec::store_failure, std::move(what));
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

caf::error sqlite_statement::run() {
  step();
  if (!ok())
    return fail();
  reset();
  return caf::none;
}

caf::expected<int64_t> sqlite_statement::run_int() {
  int64_t result = step() ? column_int(0) : 0;
  if (!ok())
    return fail();
  reset();
  return result;
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
