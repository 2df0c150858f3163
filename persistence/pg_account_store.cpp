#include "persistence/pg_account_store.hpp"

#include "config/error.hpp"
#include "persistence/pg_schema.hpp"

namespace actodo::persistence {

namespace {

/// SQLSTATE of a unique constraint violation.
constexpr const char* unique_violation = "23505";

std::vector<std::pair<std::string, std::string>> statements() {
  return {
    {"insert_user", "INSERT INTO users (id, username, password_hash, "
                    "created_ms) VALUES ($1, $2, $3, $4)"},
    {"user_by_name", "SELECT id, username, password_hash, created_ms FROM "
                     "users WHERE username = $1"},
    {"user_by_id", "SELECT id, username, password_hash, created_ms FROM "
                   "users WHERE id = $1"},
    {"save_refresh", "INSERT INTO refresh_tokens (token_hash, user_id, "
                     "expires_ms, family, used_ms) VALUES ($1, $2, $3, $4, 0)"},
    // FOR UPDATE: two nodes presenting the same token race on the row.
    {"find_refresh", "SELECT user_id, expires_ms, family, used_ms FROM "
                     "refresh_tokens WHERE token_hash = $1 FOR UPDATE"},
    {"mark_used", "UPDATE refresh_tokens SET used_ms = $2 WHERE token_hash = "
                  "$1"},
    {"revoke_family", "DELETE FROM refresh_tokens WHERE family = $1"},
    {"prune_refresh", "DELETE FROM refresh_tokens WHERE expires_ms <= $1"},
    {"count_refresh", "SELECT count(*) FROM refresh_tokens"},
  };
}

} // namespace

caf::expected<std::unique_ptr<pg_account_store>>
pg_account_store::open(const std::string& conninfo) {
  auto db = pg_connection::connect(conninfo);
  if (!db)
    return std::move(db.error());
  if (auto err = pg_migrate(*db))
    return err;
  if (auto err = db->prepare(statements()))
    return err;
  return std::unique_ptr<pg_account_store>{
    new pg_account_store(std::move(*db))};
}

caf::error pg_account_store::create_user(const user_record& user) {
  auto n = db_.change("insert_user",
                      {user.id, user.username, user.password_hash,
                       std::to_string(user.created_ms)});
  if (n)
    return caf::none;
  if (db_.last_state() == unique_violation)
    return caf::make_error(ec::conflict, "username taken");
  return std::move(n.error());
}

caf::expected<std::optional<user_record>>
pg_account_store::read_user(const char* statement, const std::string& key) {
  auto rows = db_.query(statement, {key});
  if (!rows)
    return std::move(rows.error());
  if (rows->empty())
    return std::optional<user_record>{};
  return user_record{rows->text(0, 0), rows->text(0, 1), rows->text(0, 2),
                     rows->integer(0, 3)};
}

caf::expected<std::optional<user_record>>
pg_account_store::find_by_name(const std::string& username) {
  return read_user("user_by_name", username);
}

caf::expected<std::optional<user_record>>
pg_account_store::find_by_id(const std::string& id) {
  return read_user("user_by_id", id);
}

caf::error pg_account_store::save_refresh(const std::string& token_hash,
                                          const std::string& user_id,
                                          const std::string& family,
                                          int64_t expires_ms) {
  auto n = db_.change("save_refresh", {token_hash, user_id,
                                       std::to_string(expires_ms), family});
  return n ? caf::error{} : std::move(n.error());
}

caf::expected<refresh_use>
pg_account_store::use_refresh(const std::string& token_hash, int64_t now_ms) {
  using outcome = refresh_use::outcome;
  auto rows = db_.query("find_refresh", {token_hash});
  if (!rows)
    return std::move(rows.error());
  refresh_use result;
  if (rows->empty())
    return result;
  result.user_id = rows->text(0, 0);
  auto expires_ms = rows->integer(0, 1);
  result.family = rows->text(0, 2);
  result.used_ms = rows->integer(0, 3);
  if (result.used_ms > 0) {
    result.result = outcome::reused;
    return result;
  }
  if (expires_ms <= now_ms) {
    result.result = outcome::expired;
    return result;
  }
  auto n = db_.change("mark_used", {token_hash, std::to_string(now_ms)});
  if (!n)
    return std::move(n.error());
  result.result = outcome::fresh;
  result.used_ms = now_ms;
  return result;
}

caf::expected<int64_t>
pg_account_store::revoke_family(const std::string& family) {
  return db_.change("revoke_family", {family});
}

caf::expected<int64_t> pg_account_store::prune_refresh(int64_t now_ms) {
  return db_.change("prune_refresh", {std::to_string(now_ms)});
}

caf::expected<int64_t> pg_account_store::count_refresh() {
  auto rows = db_.query("count_refresh", {});
  if (!rows)
    return std::move(rows.error());
  return rows->integer(0, 0);
}

caf::error pg_account_store::begin() {
  if (auto err = db_.execute("BEGIN"))
    return err;
  in_transaction_ = true;
  return caf::none;
}

caf::error pg_account_store::commit() {
  if (!in_transaction_)
    return caf::make_error(ec::store_failure, "commit without begin");
  in_transaction_ = false;
  auto err = db_.execute("COMMIT");
  if (err)
    static_cast<void>(db_.execute("ROLLBACK"));
  return err;
}

void pg_account_store::rollback() {
  if (!in_transaction_)
    return;
  in_transaction_ = false;
  static_cast<void>(db_.execute("ROLLBACK"));
}

} // namespace actodo::persistence
