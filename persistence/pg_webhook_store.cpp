#include "persistence/pg_webhook_store.hpp"

#include <algorithm>
#include <set>

#include "config/error.hpp"
#include "persistence/pg_schema.hpp"
#include "persistence/sqlite_webhook_store.hpp"

namespace actodo::persistence {

namespace {

/// SQLSTATE of a unique constraint violation.
constexpr const char* unique_violation = "23505";

constexpr const char* hook_columns
  = "id, user_id, url, events, description, secret, enabled, "
    "disabled_reason, cursor, created_ms, updated_ms, notice_owed";

std::string select_hooks(const char* where) {
  return std::string{"SELECT "} + hook_columns + " FROM webhooks " + where;
}

/// The new row takes the user's last sequence as its cursor; no row when
/// the user has $11 webhooks already.
std::string insert_hook() {
  return std::string{"INSERT INTO webhooks ("} + hook_columns
         + ") SELECT $1::text, $2::text, $3::text, $4::text, $5::text, "
           "$6::text, $7::integer, $8::text, "
           "(SELECT coalesce(max(seq), 0) FROM events WHERE user_id = $2), "
           "$9::bigint, $10::bigint, 0 "
           "WHERE (SELECT count(*) FROM webhooks WHERE user_id = $2) "
           "< $11::bigint RETURNING cursor";
}

std::vector<std::pair<std::string, std::string>> statements() {
  return {
    // Serializes the creations of one user's webhooks across nodes (the
    // count in insert_hook is then exact); the two-key form never meets
    // the one-key lock of the migrations.
    {"lock_user_hooks", "SELECT pg_advisory_xact_lock(1, hashtext($1))"},
    {"insert_hook", insert_hook()},
    {"hooks_by_user",
     select_hooks("WHERE user_id = $1 ORDER BY created_ms, id")},
    {"enabled_hooks",
     select_hooks("WHERE enabled <> 0 ORDER BY created_ms, id")},
    {"find_hook", select_hooks("WHERE user_id = $1 AND id = $2")},
    {"update_hook", "UPDATE webhooks SET url = $3, events = $4, "
                    "description = $5, enabled = $6, disabled_reason = $7, "
                    "cursor = $8, updated_ms = $9, notice_owed = $10::bigint "
                    "WHERE user_id = $1 AND id = $2"},
    {"owed_notices",
     select_hooks("WHERE notice_owed <> 0 AND notice_owed < $1::bigint "
                  "ORDER BY notice_owed LIMIT $2::bigint")},
    {"notice_given", "UPDATE webhooks SET notice_owed = 0 "
                     "WHERE id = $1 AND notice_owed = $2::bigint"},
    // One statement: both deletes take effect, or neither.
    {"delete_hook", "WITH gone AS (DELETE FROM webhooks WHERE user_id = $1 "
                    "AND id = $2 RETURNING id), "
                    "deliveries AS (DELETE FROM webhook_deliveries WHERE "
                    "webhook_id IN (SELECT id FROM gone)) "
                    "SELECT count(*) FROM gone"},
    {"set_cursor", "UPDATE webhooks SET cursor = $2 WHERE id = $1 "
                   "AND updated_ms = $3"},
    {"insert_delivery", "INSERT INTO webhook_deliveries (webhook_id, "
                        "sequence, attempt, status, latency_ms, error, "
                        "response, at_ms) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    // Every row of the webhook up to the newest one beyond $2.
    {"trim_deliveries",
     "DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND id <= "
     "(SELECT id FROM webhook_deliveries WHERE webhook_id = $1 "
     "ORDER BY id DESC LIMIT 1 OFFSET $2)"},
    {"deliveries", "SELECT webhook_id, sequence, attempt, status, "
                   "latency_ms, error, response, at_ms "
                   "FROM webhook_deliveries WHERE webhook_id = $1 "
                   "ORDER BY id DESC LIMIT $2"},
  };
}

std::string flag(bool x) {
  return x ? "1" : "0";
}

} // namespace

caf::expected<std::unique_ptr<pg_webhook_store>>
pg_webhook_store::open(const std::string& conninfo) {
  auto db = pg_connection::connect(conninfo);
  if (!db)
    return std::move(db.error());
  if (auto err = pg_migrate(*db))
    return err;
  if (auto err = db->prepare(statements()))
    return err;
  return std::unique_ptr<pg_webhook_store>{
    new pg_webhook_store(std::move(*db))};
}

caf::expected<int64_t>
pg_webhook_store::create_webhook(const webhook_record& hook,
                                 int64_t max_per_user) {
  if (auto err = db_.execute("BEGIN"))
    return err;
  auto fail = [this](caf::error err) {
    // The connection may be gone; a rollback is all that is left to try.
    static_cast<void>(db_.execute("ROLLBACK"));
    return err;
  };
  if (auto lock = db_.query("lock_user_hooks", {hook.user_id}); !lock)
    return fail(std::move(lock.error()));
  auto rows = db_.query(
    "insert_hook",
    {hook.id, hook.user_id, hook.url, encode_webhook_events(hook.events),
     hook.description, hook.secret, flag(hook.enabled), hook.disabled_reason,
     std::to_string(hook.created_ms), std::to_string(hook.updated_ms),
     std::to_string(max_per_user)});
  if (!rows) {
    if (db_.last_state() == unique_violation)
      return fail(
        caf::make_error(ec::conflict, "webhook id taken: " + hook.id));
    return fail(std::move(rows.error()));
  }
  if (rows->empty())
    return fail(make_field_error(
      ec::limit_exceeded, "webhooks",
      "a user has at most " + std::to_string(max_per_user) + " webhooks"));
  auto cursor = rows->integer(0, 0);
  if (auto err = db_.execute("COMMIT"))
    return fail(std::move(err));
  return cursor;
}

caf::expected<std::vector<webhook_record>>
pg_webhook_store::read_hooks(const char* statement, const pg_params& args) {
  auto rows = db_.query(statement, args);
  if (!rows)
    return std::move(rows.error());
  std::vector<webhook_record> result;
  for (int r = 0; r < rows->size(); ++r) {
    webhook_record hook;
    hook.id = rows->text(r, 0);
    hook.user_id = rows->text(r, 1);
    hook.url = rows->text(r, 2);
    auto events = decode_webhook_events(rows->text(r, 3));
    if (!events)
      return std::move(events.error());
    hook.events = std::move(*events);
    hook.description = rows->text(r, 4);
    hook.secret = rows->text(r, 5);
    hook.enabled = rows->integer(r, 6) != 0;
    hook.disabled_reason = rows->text(r, 7);
    hook.cursor = rows->integer(r, 8);
    hook.created_ms = rows->integer(r, 9);
    hook.updated_ms = rows->integer(r, 10);
    hook.notice_owed = rows->integer(r, 11);
    result.push_back(std::move(hook));
  }
  return result;
}

caf::expected<std::vector<webhook_record>>
pg_webhook_store::list_webhooks(const std::string& user_id) {
  return read_hooks("hooks_by_user", {user_id});
}

caf::expected<std::vector<webhook_record>>
pg_webhook_store::enabled_webhooks() {
  return read_hooks("enabled_hooks", {});
}

caf::expected<std::optional<webhook_record>>
pg_webhook_store::find_webhook(const std::string& user_id,
                               const std::string& id) {
  auto hooks = read_hooks("find_hook", {user_id, id});
  if (!hooks)
    return std::move(hooks.error());
  if (hooks->empty())
    return std::optional<webhook_record>{};
  return std::move(hooks->front());
}

caf::error pg_webhook_store::update_webhook(const webhook_record& hook) {
  auto n = db_.change(
    "update_hook",
    {hook.user_id, hook.id, hook.url, encode_webhook_events(hook.events),
     hook.description, flag(hook.enabled), hook.disabled_reason,
     std::to_string(hook.cursor), std::to_string(hook.updated_ms),
     std::to_string(hook.notice_owed)});
  if (!n)
    return std::move(n.error());
  if (*n == 0)
    return caf::make_error(ec::not_found, "no webhook " + hook.id);
  return caf::none;
}

caf::error pg_webhook_store::delete_webhook(const std::string& user_id,
                                            const std::string& id) {
  auto rows = db_.query("delete_hook", {user_id, id});
  if (!rows)
    return std::move(rows.error());
  if (rows->integer(0, 0) == 0)
    return caf::make_error(ec::not_found, "no webhook " + id);
  return caf::none;
}

caf::error pg_webhook_store::set_cursor(const std::string& id, int64_t cursor,
                                        int64_t updated_ms) {
  auto n = db_.change("set_cursor",
                      {id, std::to_string(cursor), std::to_string(updated_ms)});
  return n ? caf::error{} : std::move(n.error());
}

caf::error pg_webhook_store::add_delivery(const delivery_record& x,
                                          int64_t keep) {
  return record_progress({x}, {}, keep);
}

caf::error
pg_webhook_store::record_progress(const std::vector<delivery_record>& xs,
                                  const std::vector<cursor_update>& cursors,
                                  int64_t keep) {
  std::vector<pg_call> calls;
  std::set<std::string> trimmed;
  for (auto& x : xs) {
    calls.push_back(
      {"insert_delivery",
       {x.webhook_id, std::to_string(x.sequence), std::to_string(x.attempt),
        std::to_string(x.status), std::to_string(x.latency_ms), x.error,
        x.response, std::to_string(x.at_ms)}});
    trimmed.insert(x.webhook_id);
  }
  for (auto& id : trimmed)
    calls.push_back(
      {"trim_deliveries", {id, std::to_string(std::max(keep, int64_t{0}))}});
  for (auto& c : cursors)
    calls.push_back(
      {"set_cursor",
       {c.id, std::to_string(c.cursor), std::to_string(c.updated_ms)}});
  if (calls.empty())
    return {};
  return db_.transaction(calls);
}

caf::expected<std::vector<delivery_record>>
pg_webhook_store::deliveries(const std::string& webhook_id, int64_t limit) {
  auto rows = db_.query(
    "deliveries", {webhook_id, std::to_string(std::max(limit, int64_t{0}))});
  if (!rows)
    return std::move(rows.error());
  std::vector<delivery_record> result;
  for (int r = 0; r < rows->size(); ++r)
    result.push_back({rows->text(r, 0), rows->integer(r, 1),
                      static_cast<int32_t>(rows->integer(r, 2)),
                      static_cast<int32_t>(rows->integer(r, 3)),
                      rows->integer(r, 4), rows->text(r, 5), rows->text(r, 6),
                      rows->integer(r, 7)});
  return result;
}

caf::expected<std::vector<webhook_record>>
pg_webhook_store::owed_notices(int64_t disabled_before_ms, int64_t limit) {
  return read_hooks("owed_notices", {std::to_string(disabled_before_ms),
                                     std::to_string(limit)});
}

caf::error pg_webhook_store::notice_given(const std::string& id, int64_t owed) {
  auto rows = db_.query("notice_given", {id, std::to_string(owed)});
  if (!rows)
    return std::move(rows.error());
  return caf::none;
}

} // namespace actodo::persistence
