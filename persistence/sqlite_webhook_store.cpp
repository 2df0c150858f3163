#include "persistence/sqlite_webhook_store.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

std::string encode_webhook_events(const std::vector<std::string>& events) {
  // Invalid UTF-8 (the edge checks the patterns) is stored replaced, not
  // thrown.
  return nlohmann::json(events).dump(-1, ' ', false,
                                     nlohmann::json::error_handler_t::replace);
}

caf::expected<std::vector<std::string>>
decode_webhook_events(const std::string& text) {
  try {
    return nlohmann::json::parse(text).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return caf::make_error(ec::invalid_record,
                           std::string{"webhook events: "} + e.what());
  }
}

namespace {

constexpr const char* hook_columns
  = "id, user_id, url, events, description, secret, enabled, "
    "disabled_reason, cursor, created_ms, updated_ms, notice_owed";

std::string select_hooks(const char* where) {
  return std::string{"SELECT "} + hook_columns + " FROM webhooks " + where;
}

} // namespace

struct sqlite_webhook_store::statements {
  explicit statements(sqlite3* db)
    : count(db, "SELECT count(*) FROM webhooks WHERE user_id = ?1"),
      last_seq(db, "SELECT coalesce(max(seq), 0) FROM events "
                   "WHERE user_id = ?1"),
      insert(db, std::string{"INSERT INTO webhooks ("} + hook_columns
                   + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                     "?11, ?12)"),
      by_user(db, select_hooks("WHERE user_id = ?1 ORDER BY created_ms, id")),
      enabled(db, select_hooks("WHERE enabled <> 0 ORDER BY created_ms, id")),
      find(db, select_hooks("WHERE user_id = ?1 AND id = ?2")),
      update(db, "UPDATE webhooks SET url = ?3, events = ?4, "
                 "description = ?5, enabled = ?6, disabled_reason = ?7, "
                 "cursor = ?8, updated_ms = ?9, notice_owed = ?10 "
                 "WHERE user_id = ?1 AND id = ?2"),
      remove(db, "DELETE FROM webhooks WHERE user_id = ?1 AND id = ?2"),
      remove_deliveries(db, "DELETE FROM webhook_deliveries "
                            "WHERE webhook_id = ?1"),
      set_cursor(db, "UPDATE webhooks SET cursor = ?2 WHERE id = ?1 "
                     "AND updated_ms = ?3"),
      insert_delivery(db, "INSERT INTO webhook_deliveries (webhook_id, "
                          "sequence, attempt, status, latency_ms, error, "
                          "response, at_ms) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
      // Every row of the webhook up to the newest one beyond `keep`.
      trim(db, "DELETE FROM webhook_deliveries WHERE webhook_id = ?1 "
               "AND id <= (SELECT id FROM webhook_deliveries "
               "WHERE webhook_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)"),
      deliveries(db, "SELECT webhook_id, sequence, attempt, status, "
                     "latency_ms, error, response, at_ms "
                     "FROM webhook_deliveries WHERE webhook_id = ?1 "
                     "ORDER BY id DESC LIMIT ?2"),
      owed(db, select_hooks("WHERE notice_owed <> 0 AND notice_owed < ?1 "
                            "ORDER BY notice_owed LIMIT ?2")),
      noticed(db, "UPDATE webhooks SET notice_owed = 0 "
                  "WHERE id = ?1 AND notice_owed = ?2") {}

  sqlite_statement count, last_seq, insert, by_user, enabled, find, update,
    remove, remove_deliveries, set_cursor, insert_delivery, trim, deliveries,
    owed, noticed;
};

sqlite_webhook_store::sqlite_webhook_store(connection db)
  : db_(std::move(db)) {}

sqlite_webhook_store::~sqlite_webhook_store() = default;

caf::expected<std::unique_ptr<sqlite_webhook_store>>
sqlite_webhook_store::open(const std::string& path) {
  auto db = open_database(path, "PRAGMA synchronous=FULL;");
  if (!db)
    return std::move(db.error());
  if (auto err = migrate(db->get(), actodo_migrations()))
    return err;
  std::unique_ptr<sqlite_webhook_store> result{
    new sqlite_webhook_store(std::move(*db))};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  auto& s = *result->stmts_;
  for (auto stmt :
       {&s.count, &s.last_seq, &s.insert, &s.by_user, &s.enabled, &s.find,
        &s.update, &s.remove, &s.remove_deliveries, &s.set_cursor,
        &s.insert_delivery, &s.trim, &s.deliveries, &s.owed, &s.noticed})
    if (!stmt->ok())
      return sqlite_failure(stmt->error());
  return result;
}

caf::expected<int64_t>
sqlite_webhook_store::create_webhook(const webhook_record& hook,
                                     int64_t max_per_user) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  auto count = stmts_->count.bind(1, hook.user_id).run_int();
  if (!count)
    return std::move(count.error());
  if (*count >= max_per_user)
    return make_field_error(ec::limit_exceeded, "webhooks",
                            "a user has at most " + std::to_string(max_per_user)
                              + " webhooks");
  auto cursor = stmts_->last_seq.bind(1, hook.user_id).run_int();
  if (!cursor)
    return std::move(cursor.error());
  auto& stmt = stmts_->insert;
  stmt.bind(1, hook.id).bind(2, hook.user_id).bind(3, hook.url);
  stmt.bind(4, encode_webhook_events(hook.events)).bind(5, hook.description);
  stmt.bind(6, hook.secret).bind(7, int64_t{hook.enabled ? 1 : 0});
  stmt.bind(8, hook.disabled_reason).bind(9, *cursor);
  stmt.bind(10, hook.created_ms).bind(11, hook.updated_ms);
  stmt.bind(12, hook.notice_owed).step();
  if (!stmt.ok()) {
    auto code = sqlite3_extended_errcode(db_.get());
    auto err = stmt.fail();
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY
        || code == SQLITE_CONSTRAINT_UNIQUE)
      return caf::make_error(ec::conflict, "webhook id taken: " + hook.id);
    return err;
  }
  stmt.reset();
  if (auto err = txn->commit())
    return err;
  return *cursor;
}

namespace {

/// Every row of a statement that selects `hook_columns`.
caf::expected<std::vector<webhook_record>> read_hooks(sqlite_statement& stmt) {
  std::vector<webhook_record> result;
  while (stmt.step()) {
    webhook_record hook;
    hook.id = stmt.column_text(0);
    hook.user_id = stmt.column_text(1);
    hook.url = stmt.column_text(2);
    auto events = decode_webhook_events(stmt.column_text(3));
    if (!events) {
      stmt.reset();
      return std::move(events.error());
    }
    hook.events = std::move(*events);
    hook.description = stmt.column_text(4);
    hook.secret = stmt.column_text(5);
    hook.enabled = stmt.column_int(6) != 0;
    hook.disabled_reason = stmt.column_text(7);
    hook.cursor = stmt.column_int(8);
    hook.created_ms = stmt.column_int(9);
    hook.updated_ms = stmt.column_int(10);
    hook.notice_owed = stmt.column_int(11);
    result.push_back(std::move(hook));
  }
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

} // namespace

caf::expected<std::vector<webhook_record>>
sqlite_webhook_store::list_webhooks(const std::string& user_id) {
  return read_hooks(stmts_->by_user.bind(1, user_id));
}

caf::expected<std::vector<webhook_record>>
sqlite_webhook_store::enabled_webhooks() {
  return read_hooks(stmts_->enabled);
}

caf::expected<std::optional<webhook_record>>
sqlite_webhook_store::find_webhook(const std::string& user_id,
                                   const std::string& id) {
  auto hooks = read_hooks(stmts_->find.bind(1, user_id).bind(2, id));
  if (!hooks)
    return std::move(hooks.error());
  if (hooks->empty())
    return std::optional<webhook_record>{};
  return std::move(hooks->front());
}

caf::error sqlite_webhook_store::update_webhook(const webhook_record& hook) {
  auto& stmt = stmts_->update;
  stmt.bind(1, hook.user_id).bind(2, hook.id).bind(3, hook.url);
  stmt.bind(4, encode_webhook_events(hook.events)).bind(5, hook.description);
  stmt.bind(6, int64_t{hook.enabled ? 1 : 0}).bind(7, hook.disabled_reason);
  stmt.bind(8, hook.cursor).bind(9, hook.updated_ms);
  stmt.bind(10, hook.notice_owed);
  if (auto err = stmt.run())
    return err;
  if (sqlite3_changes(db_.get()) == 0)
    return caf::make_error(ec::not_found, "no webhook " + hook.id);
  return caf::none;
}

caf::error sqlite_webhook_store::delete_webhook(const std::string& user_id,
                                                const std::string& id) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  if (auto err = stmts_->remove.bind(1, user_id).bind(2, id).run())
    return err;
  if (sqlite3_changes(db_.get()) == 0)
    return caf::make_error(ec::not_found, "no webhook " + id);
  if (auto err = stmts_->remove_deliveries.bind(1, id).run())
    return err;
  return txn->commit();
}

caf::error sqlite_webhook_store::set_cursor(const std::string& id,
                                            int64_t cursor,
                                            int64_t updated_ms) {
  return stmts_->set_cursor.bind(1, id)
    .bind(2, cursor)
    .bind(3, updated_ms)
    .run();
}

caf::error sqlite_webhook_store::add_delivery(const delivery_record& x,
                                              int64_t keep) {
  return record_progress({x}, {}, keep);
}

caf::error
sqlite_webhook_store::record_progress(const std::vector<delivery_record>& xs,
                                      const std::vector<cursor_update>& cursors,
                                      int64_t keep) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  std::set<std::string> trimmed;
  for (auto& x : xs) {
    auto& stmt = stmts_->insert_delivery;
    stmt.bind(1, x.webhook_id).bind(2, x.sequence);
    stmt.bind(3, int64_t{x.attempt}).bind(4, int64_t{x.status});
    stmt.bind(5, x.latency_ms).bind(6, x.error).bind(7, x.response);
    if (auto err = stmt.bind(8, x.at_ms).run())
      return err;
    trimmed.insert(x.webhook_id);
  }
  for (auto& id : trimmed)
    if (auto err = stmts_->trim.bind(1, id)
                     .bind(2, std::max(keep, int64_t{0}))
                     .run())
      return err;
  for (auto& c : cursors)
    if (auto err = stmts_->set_cursor.bind(1, c.id)
                     .bind(2, c.cursor)
                     .bind(3, c.updated_ms)
                     .run())
      return err;
  return txn->commit();
}

caf::expected<std::vector<delivery_record>>
sqlite_webhook_store::deliveries(const std::string& webhook_id, int64_t limit) {
  auto& stmt = stmts_->deliveries;
  stmt.bind(1, webhook_id).bind(2, std::max(limit, int64_t{0}));
  std::vector<delivery_record> result;
  while (stmt.step())
    result.push_back({stmt.column_text(0), stmt.column_int(1),
                      static_cast<int32_t>(stmt.column_int(2)),
                      static_cast<int32_t>(stmt.column_int(3)),
                      stmt.column_int(4), stmt.column_text(5),
                      stmt.column_text(6), stmt.column_int(7)});
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

caf::expected<std::vector<webhook_record>>
sqlite_webhook_store::owed_notices(int64_t disabled_before_ms, int64_t limit) {
  return read_hooks(stmts_->owed.bind(1, disabled_before_ms).bind(2, limit));
}

caf::error sqlite_webhook_store::notice_given(const std::string& id,
                                              int64_t owed) {
  return stmts_->noticed.bind(1, id).bind(2, owed).run();
}

} // namespace actodo::persistence
