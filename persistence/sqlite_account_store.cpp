#include "persistence/sqlite_account_store.hpp"

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sqlite_statement.hpp"

namespace actodo::persistence {

struct sqlite_account_store::statements {
  explicit statements(sqlite3* db)
    : insert_user(db, "INSERT INTO users VALUES (?1, ?2, ?3, ?4)"),
      by_name(db, "SELECT id, username, password_hash, created_ms FROM users "
                  "WHERE username = ?1"),
      by_id(db, "SELECT id, username, password_hash, created_ms FROM users "
                "WHERE id = ?1"),
      save_refresh(db, "INSERT INTO refresh_tokens (token_hash, user_id, "
                       "expires_ms, family, used_ms) "
                       "VALUES (?1, ?2, ?3, ?4, 0)"),
      find_refresh(db, "SELECT user_id, expires_ms, family, used_ms "
                       "FROM refresh_tokens WHERE token_hash = ?1"),
      mark_used(db, "UPDATE refresh_tokens SET used_ms = ?2 "
                    "WHERE token_hash = ?1"),
      revoke_family(db, "DELETE FROM refresh_tokens WHERE family = ?1"),
      prune(db, "DELETE FROM refresh_tokens WHERE expires_ms <= ?1"),
      count(db, "SELECT count(*) FROM refresh_tokens") {}

  sqlite_statement insert_user, by_name, by_id, save_refresh, find_refresh,
    mark_used, revoke_family, prune, count;
};

sqlite_account_store::sqlite_account_store(connection db)
  : db_(std::move(db)) {}

sqlite_account_store::~sqlite_account_store() = default;

caf::expected<std::unique_ptr<sqlite_account_store>>
sqlite_account_store::open(const std::string& path) {
  auto db = open_database(path, "PRAGMA synchronous=FULL;");
  if (!db)
    return std::move(db.error());
  if (auto err = migrate(db->get(), actodo_migrations()))
    return err;
  std::unique_ptr<sqlite_account_store> result{
    new sqlite_account_store(std::move(*db))};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  auto& s = *result->stmts_;
  for (auto stmt :
       {&s.insert_user, &s.by_name, &s.by_id, &s.save_refresh, &s.find_refresh,
        &s.mark_used, &s.revoke_family, &s.prune, &s.count})
    if (!stmt->ok())
      return sqlite_failure(stmt->error());
  return result;
}

caf::error sqlite_account_store::create_user(const user_record& user) {
  auto& stmt = stmts_->insert_user;
  stmt.bind(1, user.id).bind(2, user.username).bind(3, user.password_hash);
  stmt.bind(4, user.created_ms).step();
  if (!stmt.ok()) {
    auto taken = sqlite3_extended_errcode(db_.get())
                 == SQLITE_CONSTRAINT_UNIQUE;
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
sqlite_account_store::find_by_name(const std::string& username) {
  stmts_->by_name.bind(1, username);
  return read_user(stmts_->by_name);
}

caf::expected<std::optional<user_record>>
sqlite_account_store::find_by_id(const std::string& id) {
  stmts_->by_id.bind(1, id);
  return read_user(stmts_->by_id);
}

caf::error sqlite_account_store::save_refresh(const std::string& token_hash,
                                              const std::string& user_id,
                                              const std::string& family,
                                              int64_t expires_ms) {
  auto& stmt = stmts_->save_refresh;
  stmt.bind(1, token_hash).bind(2, user_id).bind(3, expires_ms);
  return stmt.bind(4, family).run();
}

caf::expected<refresh_use>
sqlite_account_store::use_refresh(const std::string& token_hash,
                                  int64_t now_ms) {
  using outcome = refresh_use::outcome;
  auto& find = stmts_->find_refresh;
  find.bind(1, token_hash);
  refresh_use result;
  int64_t expires_ms = 0;
  if (find.step()) {
    result.user_id = find.column_text(0);
    expires_ms = find.column_int(1);
    result.family = find.column_text(2);
    result.used_ms = find.column_int(3);
    result.result = outcome::fresh;
  }
  if (!find.ok())
    return find.fail();
  find.reset();
  if (result.result == outcome::unknown)
    return result;
  if (result.used_ms > 0) {
    result.result = outcome::reused;
    return result;
  }
  if (expires_ms <= now_ms) {
    result.result = outcome::expired;
    return result;
  }
  if (auto err = stmts_->mark_used.bind(1, token_hash).bind(2, now_ms).run())
    return err;
  result.used_ms = now_ms;
  return result;
}

namespace {

/// Runs a DELETE to completion; the number of rows it removed.
caf::expected<int64_t> run_delete(sqlite3* db, sqlite_statement& stmt) {
  if (auto err = stmt.run())
    return err;
  return static_cast<int64_t>(sqlite3_changes(db));
}

} // namespace

caf::expected<int64_t>
sqlite_account_store::revoke_family(const std::string& family) {
  stmts_->revoke_family.bind(1, family);
  return run_delete(db_.get(), stmts_->revoke_family);
}

caf::expected<int64_t> sqlite_account_store::prune_refresh(int64_t now_ms) {
  stmts_->prune.bind(1, now_ms);
  return run_delete(db_.get(), stmts_->prune);
}

caf::expected<int64_t> sqlite_account_store::count_refresh() {
  return stmts_->count.run_int();
}

caf::error sqlite_account_store::begin() {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  txn_.emplace(std::move(*txn));
  return caf::none;
}

caf::error sqlite_account_store::commit() {
  if (!txn_)
    return sqlite_failure("commit without begin");
  auto err = txn_->commit();
  txn_.reset(); // Rolls back what a failed COMMIT left open.
  return err;
}

void sqlite_account_store::rollback() {
  txn_.reset();
}

} // namespace actodo::persistence
