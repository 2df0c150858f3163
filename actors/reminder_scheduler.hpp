#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "caf/typed_event_based_actor.hpp"

#include "actors/actor_metrics.hpp"
#include "actors/domain/time.hpp"
#include "actors/interfaces.hpp"
#include "actors/reminder_metrics.hpp"

namespace actodo::actors {

struct reminder_scheduler_settings {
  /// Entries of the durable index held in memory (the earliest ones).
  size_t window = 10000;
  /// Wakes per second for entries that fell due while the node was down.
  size_t catchup_rate = 200;
  /// Wakes on their way to a `todo_list` at once.
  size_t max_in_flight = 1000;
  /// Loads the `todo_list`s of entries due within this time ahead, so that
  /// a burst of reminders of passivated users does not wait for loads.
  int64_t prefetch_ms = 10000;
  /// Loads requested at once.
  size_t max_prefetching = 1000;
  caf::timespan request_timeout = std::chrono::seconds(30);
  /// Cluster mode: only the entries of users this node owns are scheduled,
  /// and nothing before the directory says which (`owners`).
  bool clustered = false;
  /// Milliseconds since the epoch (tests run on virtual time).
  std::function<int64_t()> clock = domain::now_ms;
};

/// Fires reminders on time, durably and without storms. The durable index
/// is the `wake_at` column of the store's todos, written in the same
/// transaction as the todo; this actor keeps only its earliest `window`
/// entries in memory (all entries up to `horizon` are there), arms one
/// timer for the first, and sends the todo's `todo_list` a `wake` command
/// when it is due. The `todo_list` decides what is really due, so stale
/// entries cost one message and nothing else. Entries that fell due before
/// the start are the catch-up backlog, woken at `catchup_rate`.
///
/// In cluster mode only the owner of a user writes its entries, and only
/// its scheduler hears of them (`schedule`). So each scheduler keeps the
/// entries of the partitions its node owns, and reads the index again
/// whenever those change: a partition that moved here brings the entries
/// its old owner wrote, and those that fell due meanwhile are the backlog.
struct reminder_scheduler_state {
  static inline const char* name = "reminder-scheduler";

  using entry = std::tuple<int64_t, std::string, std::string>;
  using key = std::pair<std::string, std::string>;

  reminder_scheduler_actor::pointer self = nullptr;
  journal_actor journal;
  user_directory_actor directory;
  reminder_scheduler_settings settings;
  /// The index size, the backlog, the reminders fired and their lateness.
  std::shared_ptr<reminder_metrics> stats;
  /// Where it counts its messages (kind `reminder_scheduler`).
  std::shared_ptr<actor_metrics> messages;

  /// Due-ordered entries in memory, and their wake time by (user, todo).
  std::set<entry> queue;
  std::map<key, int64_t> index;
  /// Every index entry up to this key is in memory; `unbounded` when the
  /// whole index is.
  entry horizon{-1, "", ""};
  bool unbounded = false;
  bool loading = false;
  /// Updates that arrived while a page of the index was loading.
  std::vector<std::pair<key, int64_t>> buffered;
  /// Missed while the node was down: woken at the catch-up rate.
  std::deque<entry> backlog;
  int64_t started_ms = 0;
  int64_t next_catchup_ms = 0;
  size_t in_flight = 0;
  uint64_t wakes_sent = 0;
  /// The instant the pending timer fires at (-1: none).
  int64_t armed_at = -1;
  /// Entries up to this one had their `todo_list` loaded ahead of time.
  entry prefetched{-1, "", ""};
  size_t prefetching = 0;
  /// Cluster mode: the epoch of each partition this node owns (0: not).
  std::vector<int64_t> owned;
  /// Bumped when the index is read again: pages of an older read are
  /// dropped.
  uint64_t generation = 0;

  void start(user_directory_actor dir);
  /// Whether this node schedules the entries of `user`.
  bool mine(const std::string& user) const;
  /// Cluster mode: new partitions; reads the index again from the start.
  void own(std::vector<int64_t> epochs);
  void load_page();
  void update(const key& k, int64_t at);
  void tick();
  void wake(const entry& e);
  void prefetch(int64_t now);
  void arm();
  std::vector<planned_wake> next(int32_t n) const;
  scheduler_summary summary() const;
};

reminder_scheduler_actor::behavior_type reminder_scheduler(
  reminder_scheduler_actor::stateful_pointer<reminder_scheduler_state> self,
  journal_actor journal, reminder_scheduler_settings settings,
  std::shared_ptr<reminder_metrics> stats,
  std::shared_ptr<actor_metrics> messages);

} // namespace actodo::actors
