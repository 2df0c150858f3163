#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/meta/type_name.hpp"

namespace actodo::persistence {

/// A user's webhook: where its events go and how far they went.
struct webhook_record {
  /// `wh_` + a time-ordered id.
  std::string id;
  std::string user_id;
  /// `http://` or `https://`, checked by the edge.
  std::string url;
  /// Event type patterns (`todo.*`, `todo.created`); `*` alone: every type.
  std::vector<std::string> events;
  std::string description;
  /// `whsec_<base64 of 32 random bytes>`: signs deliveries. Never logged.
  std::string secret;
  bool enabled = true;
  /// Why it was disabled (empty while enabled).
  std::string disabled_reason;
  /// The last sequence of the user's log the receiver acknowledged (or the
  /// pattern did not match): delivery goes on after it.
  int64_t cursor = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  /// 0, or the instant (ms) the service disabled the webhook while the
  /// user's log does not have that disabling's `webhook.disabled`
  /// notification yet (see `owed_notices`). Later changes keep it.
  int64_t notice_owed = 0;
};

/// One delivery attempt, for `GET /api/v1/webhooks/{id}/deliveries`.
struct delivery_record {
  std::string webhook_id;
  /// The event's sequence in the user's log.
  int64_t sequence = 0;
  /// 1 for the first attempt of this event.
  int32_t attempt = 0;
  /// The receiver's HTTP status; 0 when there was no response.
  int32_t status = 0;
  int64_t latency_ms = 0;
  /// Empty when the receiver answered 2xx; else what went wrong.
  std::string error;
  /// The receiver's response body, at most 1 KiB.
  std::string response;
  int64_t at_ms = 0;
};

/// A cursor a deliverer reached (see `webhook_store::set_cursor`).
struct cursor_update {
  std::string id;
  int64_t cursor = 0;
  int64_t updated_ms = 0;
};

/// Webhooks and their delivery history. Blocking and not thread-safe: one
/// owner (the `webhooks` actor) calls an implementation.
class webhook_store {
 public:
  virtual ~webhook_store() = default;

  /// Stores `hook` with its cursor at the user's last event sequence (0
  /// without events), read in the same transaction; returns that cursor.
  /// Fails with `ec::limit_exceeded` when the user has `max_per_user`
  /// webhooks already, `ec::conflict` when the id is taken.
  virtual caf::expected<int64_t>
  create_webhook(const webhook_record& hook, int64_t max_per_user) = 0;

  /// The user's webhooks, oldest first.
  virtual caf::expected<std::vector<webhook_record>>
  list_webhooks(const std::string& user_id) = 0;

  /// Every enabled webhook of every user (start-up), oldest first.
  virtual caf::expected<std::vector<webhook_record>> enabled_webhooks() = 0;

  /// One webhook of one user (`std::nullopt`: not there or another user's).
  virtual caf::expected<std::optional<webhook_record>>
  find_webhook(const std::string& user_id, const std::string& id) = 0;

  /// Writes url, events, description, enabled, disabled_reason, cursor,
  /// updated_ms and notice_owed of `hook` (found by user and id);
  /// `ec::not_found` when it is not there.
  virtual caf::error update_webhook(const webhook_record& hook) = 0;

  /// Deletes a webhook and its deliveries; `ec::not_found` when it is not
  /// there.
  virtual caf::error
  delete_webhook(const std::string& user_id, const std::string& id)
    = 0;

  /// Moves the cursor of a webhook, only while its `updated_ms` is still
  /// `updated_ms` (a deliverer's cursor is stale once a replay or a change
  /// rewrote the webhook, possibly on another node); no-op otherwise or
  /// when it was deleted.
  virtual caf::error
  set_cursor(const std::string& id, int64_t cursor, int64_t updated_ms)
    = 0;

  /// Records an attempt and keeps only the `keep` latest of its webhook
  /// (latest by insertion, not by sequence: a retry of an older event is
  /// the newest; `keep` <= 0 keeps none), in one transaction.
  virtual caf::error add_delivery(const delivery_record& x, int64_t keep) = 0;

  /// Records attempts and moves cursors in one transaction (the webhooks
  /// actor batches them): each attempt as `add_delivery` would, each cursor
  /// as `set_cursor` would.
  virtual caf::error record_progress(const std::vector<delivery_record>& xs,
                                     const std::vector<cursor_update>& cursors,
                                     int64_t keep)
    = 0;

  /// The latest attempts of a webhook, newest first, at most `limit`.
  virtual caf::expected<std::vector<delivery_record>>
  deliveries(const std::string& webhook_id, int64_t limit) = 0;

  /// Webhooks that owe a notice (`notice_owed`) for a disabling before
  /// `disabled_before_ms`, oldest first, at most `limit`.
  virtual caf::expected<std::vector<webhook_record>>
  owed_notices(int64_t disabled_before_ms, int64_t limit) = 0;

  /// Clears `notice_owed` while it is still `owed` (a later disabling
  /// owes its own notice).
  virtual caf::error notice_given(const std::string& id, int64_t owed) = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_record& x) {
  return f(caf::meta::type_name("webhook_record"), x.id, x.user_id, x.url,
           x.events, x.description, x.secret, x.enabled, x.disabled_reason,
           x.cursor, x.created_ms, x.updated_ms, x.notice_owed);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, delivery_record& x) {
  return f(caf::meta::type_name("delivery_record"), x.webhook_id, x.sequence,
           x.attempt, x.status, x.latency_ms, x.error, x.response, x.at_ms);
}

} // namespace actodo::persistence
