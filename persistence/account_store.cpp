#include "persistence/account_store.hpp"

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/sqlite_statement.hpp"

namespace actodo::persistence {

namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql";

} // namespace

struct account_store::statements {
  explicit statements(sqlite3* db)
    : insert_user(db, "INSERT INTO users VALUES (?1, ?2, ?3, ?4)"),
      by_name(db, "SELECT id, username, password_hash, created_ms FROM users "
                  "WHERE username = ?1"),
      by_id(db, "SELECT id, username, password_hash, created_ms FROM users "
                "WHERE id = ?1"),
      save_refresh(db, "INSERT INTO refresh_tokens VALUES (?1, ?2, ?3)"),
      take_refresh(db, "DELETE FROM refresh_tokens WHERE token_hash = ?1 "
                       "RETURNING user_id, expires_ms") {}

  sqlite_statement insert_user, by_name, by_id, save_refresh, take_refresh;
};

account_store::account_store(sqlite3* db) : db_(db) {}

account_store::~account_store() {
  stmts_.reset();
  sqlite3_close(db_);
}

caf::expected<std::unique_ptr<account_store>>
account_store::open(const std::string& data_dir) {
  auto db = open_database(data_dir,
                          std::string{"PRAGMA synchronous=FULL;"} + schema);
  if (!db)
    return std::move(db.error());
  std::unique_ptr<account_store> result{new account_store(*db)};
  result->stmts_ = std::make_unique<statements>(*db);
  auto& s = *result->stmts_;
  for (auto stmt :
       {&s.insert_user, &s.by_name, &s.by_id, &s.save_refresh, &s.take_refresh})
    if (!stmt->ok())
      return sqlite_failure(stmt->error());
  return result;
}

caf::error account_store::create_user(const user_record& user) {
  auto& stmt = stmts_->insert_user;
  stmt.bind(1, user.id).bind(2, user.username).bind(3, user.password_hash);
  stmt.bind(4, user.created_ms).step();
  if (!stmt.ok()) {
    auto taken = sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE;
    auto err = stmt.fail();
    if (taken)
      return caf::make_error(ec::conflict, "username taken");
    return err;
  }
  stmt.reset();
  return caf::none;
}

namespace {

caf::expected<std::optional<user_record>> read_user(sqlite_statement& stmt) {
  std::optional<user_record> result;
  if (stmt.step())
    result = user_record{stmt.column_text(0), stmt.column_text(1),
                         stmt.column_text(2), stmt.column_int(3)};
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

} // namespace

caf::expected<std::optional<user_record>>
account_store::find_by_name(const std::string& username) {
  stmts_->by_name.bind(1, username);
  return read_user(stmts_->by_name);
}

caf::expected<std::optional<user_record>>
account_store::find_by_id(const std::string& id) {
  stmts_->by_id.bind(1, id);
  return read_user(stmts_->by_id);
}

caf::error account_store::save_refresh(const std::string& token_hash,
                                       const std::string& user_id,
                                       int64_t expires_ms) {
  auto& stmt = stmts_->save_refresh;
  stmt.bind(1, token_hash).bind(2, user_id).bind(3, expires_ms).step();
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return caf::none;
}

caf::expected<std::optional<std::string>>
account_store::consume_refresh(const std::string& token_hash, int64_t now_ms) {
  auto& stmt = stmts_->take_refresh;
  stmt.bind(1, token_hash);
  std::optional<std::string> result;
  if (stmt.step() && stmt.column_int(1) > now_ms)
    result = stmt.column_text(0);
  // Step to completion so that the DELETE commits.
  while (stmt.ok() && stmt.step()) {
  }
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

} // namespace actodo::persistence
