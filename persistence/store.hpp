#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "persistence/records.hpp"

namespace actodo::persistence {

/// A page of events (`GET /api/v1/events`, a resume replay) holds at most
/// this many bytes of event JSON, and at least one event.
inline constexpr size_t max_event_page_bytes = 1024 * 1024;

/// The durable home of every user's event log, current todos and request
/// outcomes. Implementations are blocking and not thread-safe: exactly one
/// owner (the journal actor) calls them.
class store {
 public:
  virtual ~store() = default;

  /// Commits all batches in one atomic, durable transaction: either all of
  /// them are written or none. A sequence number that already exists fails
  /// the commit (the caller keeps sequences gap-free, see `last_seq`).
  virtual caf::error commit(const std::vector<user_batch>& batches) = 0;

  /// The highest committed sequence number of `user` (0 when none).
  virtual caf::expected<int64_t> last_seq(const std::string& user) = 0;

  /// Loads the current todos and the last sequence number of a user.
  virtual caf::expected<user_snapshot> load_user(const std::string& user) = 0;

  /// Reads up to `limit` events of `user` with a sequence above `after`,
  /// stopping early once `max_event_page_bytes` of event JSON are read.
  virtual caf::expected<std::vector<event_record>>
  read_events(const std::string& user, int64_t after, int64_t limit) = 0;

  /// Finds the outcome of a request by id.
  virtual caf::expected<std::optional<request_record>>
  find_request(const std::string& user, const std::string& request_id) = 0;

  /// Finds the outcome recorded under an idempotency key.
  virtual caf::expected<std::optional<request_record>>
  find_idempotent(const std::string& user, const std::string& key) = 0;

  /// The due-time index: up to `limit` entries ordered by (`at`, user, todo)
  /// after `after` in that order (pass `{-1, "", ""}` for the first page).
  virtual caf::expected<std::vector<wake_entry>>
  wakes_after(const wake_entry& after, int64_t limit) = 0;

  /// The number of entries in the due-time index.
  virtual caf::expected<int64_t> count_wakes() = 0;

  /// Forgets request outcomes created before `cutoff_ms`.
  virtual caf::error prune_requests(int64_t cutoff_ms) = 0;

  // -- Kafka outbox (only written when the store was opened with it) ------

  /// Up to `limit` outbox entries with an id above `after`, oldest first.
  virtual caf::expected<std::vector<outbox_record>>
  read_outbox(int64_t /*after*/, int64_t /*limit*/) {
    return std::vector<outbox_record>{};
  }

  /// The id of the last entry Kafka acknowledged (0 when none).
  virtual caf::expected<int64_t> published_position() {
    return int64_t{0};
  }

  /// Persists `position` as published and forgets the entries up to it.
  virtual caf::error publish_position(int64_t /*position*/) {
    return caf::none;
  }

  /// The number of outbox entries not yet published.
  virtual caf::expected<int64_t> outbox_backlog() {
    return int64_t{0};
  }
};

} // namespace actodo::persistence
