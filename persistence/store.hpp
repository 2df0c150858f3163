#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "persistence/records.hpp"

namespace actodo::persistence {

/// A page of events (`GET /api/v1/events`, a resume replay) holds at most
/// this many bytes of event JSON, and at least one event.
inline constexpr size_t max_event_page_bytes = 1024 * 1024;

// Every interface below is blocking and not thread-safe: exactly one owner
// (the journal actor) calls an implementation. Every method is pure: an
// implementation answers each of them, there are no silent defaults.

/// See `event_log::deferred`.
struct deferred_rows {
  size_t waiting = 0;
  size_t limit = 0;
};

/// Every user's event log and current todos.
class event_log {
 public:
  virtual ~event_log() = default;

  /// Commits all batches in one atomic, durable transaction: either all of
  /// them are written or none. A sequence number that already exists fails
  /// the commit (the caller keeps sequences gap-free, see `last_seq`), and
  /// so does a batch fenced by an epoch the store no longer holds for its
  /// partition: `ec::fenced` (see `partition_epochs`).
  virtual caf::error commit(const std::vector<user_batch>& batches) = 0;

  /// The highest committed sequence number of `user` (0 when none).
  virtual caf::expected<int64_t> last_seq(const std::string& user) = 0;

  /// Loads the current todos and the last sequence number of a user.
  virtual caf::expected<user_snapshot> load_user(const std::string& user) = 0;

  /// Reads up to `limit` events of `user` with a sequence above `after`,
  /// stopping early once `max_event_page_bytes` of event JSON are read.
  virtual caf::expected<std::vector<event_record>>
  read_events(const std::string& user, int64_t after, int64_t limit) = 0;

  /// Todo rows that commits left to be written in place later (durable and
  /// seen by every read either way; `sqlite_row_log`): how many entries
  /// (row versions) wait, and how many may before the owner should `fold`
  /// at once (0: every commit writes its rows in place; nothing waits).
  virtual deferred_rows deferred() = 0;

  /// Writes up to `max_rows` of the oldest waiting rows in place, in one
  /// transaction of their own; the waiting entries drop by at least as
  /// many (older versions go with them).
  virtual caf::error fold(size_t max_rows) = 0;
};

/// Command outcomes and idempotency keys (written by `event_log::commit`).
class request_log {
 public:
  virtual ~request_log() = default;

  /// Finds the outcome of a request by id.
  virtual caf::expected<std::optional<request_record>>
  find_request(const std::string& user, const std::string& request_id) = 0;

  /// Finds the outcome recorded under an idempotency key.
  virtual caf::expected<std::optional<request_record>>
  find_idempotent(const std::string& user, const std::string& key) = 0;

  /// Forgets request outcomes created before `cutoff_ms`.
  virtual caf::error prune_requests(int64_t cutoff_ms) = 0;

  /// Removes up to `limit` events committed before `cutoff_ms`, but never a
  /// user's last one (it carries the sequence) nor one the Kafka outbox
  /// still has to publish; returns how many went. Reading from before what
  /// is left fails with `ec::gone`.
  virtual caf::expected<int64_t>
  prune_events(int64_t cutoff_ms, int64_t limit) = 0;
};

/// The due-time index of the reminder scheduler (written by
/// `event_log::commit` from `todo_record::wake_at`).
class wake_index {
 public:
  virtual ~wake_index() = default;

  /// Up to `limit` entries ordered by (`at`, user, todo) after `after` in
  /// that order (pass `{-1, "", ""}` for the first page).
  virtual caf::expected<std::vector<wake_entry>>
  wakes_after(const wake_entry& after, int64_t limit) = 0;

  /// The number of entries in the index.
  virtual caf::expected<int64_t> count_wakes() = 0;
};

/// The Kafka outbox: committed events waiting for the egress. A store that
/// does not record the outbox answers from an outbox that stays empty.
class outbox {
 public:
  virtual ~outbox() = default;

  /// Up to `limit` outbox entries with an id above `after`, oldest first.
  virtual caf::expected<std::vector<outbox_record>>
  read_outbox(int64_t after, int64_t limit) = 0;

  /// The id of the last entry Kafka acknowledged (0 when none).
  virtual caf::expected<int64_t> published_position() = 0;

  /// Persists `position` as published and forgets the entries up to it.
  virtual caf::error publish_position(int64_t position) = 0;

  /// The number of outbox entries not yet published.
  virtual caf::expected<int64_t> outbox_backlog() = 0;
};

/// The fencing epochs of the commands topic's partitions (cluster mode). A
/// node that the consumer group assigned a partition claims it here before
/// it serves the partition's users; from then on, commits fenced with an
/// older epoch fail, so a stalled former owner cannot write over the new
/// owner's state. A claim waits for the commits that hold the old epoch,
/// so whoever loads a user after its claim sees every one of them.
class partition_epochs {
 public:
  virtual ~partition_epochs() = default;

  /// Bumps the epoch of each partition (the first claim yields 1) and
  /// returns the new epochs, in the order of `partitions`. Each new epoch
  /// is also above `published[i]` (when given): the epoch a partition map
  /// outside the store still shows, say one Redis kept from a store that
  /// was since replaced or restored. An owner published there at a higher
  /// epoch would otherwise look like a later claim forever.
  virtual caf::expected<std::vector<int64_t>>
  claim_partitions(const std::vector<int32_t>& partitions,
                   const std::vector<int64_t>& published)
    = 0;

  /// The current epoch of each partition (0: never claimed).
  virtual caf::expected<std::vector<int64_t>>
  current_epochs(const std::vector<int32_t>& partitions) = 0;
};

/// The partitions of a claim, each once, with the highest epoch published
/// for it (`partition_epochs::claim_partitions`; a missing entry is 0).
inline std::map<int32_t, int64_t>
claim_floors(const std::vector<int32_t>& partitions,
             const std::vector<int64_t>& published) {
  std::map<int32_t, int64_t> result;
  for (size_t i = 0; i < partitions.size(); ++i) {
    auto& floor = result[partitions[i]];
    if (i < published.size() && published[i] > floor)
      floor = published[i];
  }
  return result;
}

/// The durable home of every user's event log, current todos and request
/// outcomes: all five interfaces behind one handle (what the journal owns).
class store : public event_log,
              public request_log,
              public wake_index,
              public outbox,
              public partition_epochs {
 public:
  /// Whether the store answers now (`/readyz`): `ec::unavailable` with a
  /// retry time while it is unreachable.
  virtual caf::error ping() = 0;
};

} // namespace actodo::persistence
