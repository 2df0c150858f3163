#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/actor_clock.hpp"
#include "caf/response_promise.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/actor_metrics.hpp"
#include "actors/apply.hpp"
#include "actors/domain/sort_index.hpp"
#include "actors/domain/time.hpp"
#include "actors/expansion_runner.hpp"
#include "actors/interfaces.hpp"
#include "actors/reminder_metrics.hpp"
#include "config/heap.hpp"
#include "config/settings.hpp"

namespace actodo::actors {

/// A `todo_list`'s options (config/settings.hpp, declared and defaulted
/// there once) plus what the node wires in.
struct todo_list_settings : config::list_options {
  /// Hears about every changed wake time; may be null (tests).
  reminder_scheduler_actor scheduler;
  /// Tests under CAF's deterministic test coordinator: expansions run on
  /// the actor's own thread instead of a worker thread.
  bool inline_expansions = false;
  /// Milliseconds since the epoch (tests run on virtual time).
  std::function<int64_t()> clock = domain::now_ms;
  /// Where the lists (and the directory) count their messages: the
  /// node's `node_metrics::messages` (by default a registry of their own).
  std::shared_ptr<actor_metrics> messages = std::make_shared<actor_metrics>();
  /// Where the lists count the next occurrences they generate: the node's
  /// `node_metrics::reminders` (by default a registry of their own).
  std::shared_ptr<reminder_metrics>
    recurrences = std::make_shared<reminder_metrics>();
  /// After a passivation, the directory waits this long (for the lists to
  /// be destroyed, and for more to go) and then calls `release_memory`: at
  /// most once per period. Zero: never.
  caf::timespan trim_delay = std::chrono::seconds(1);
  /// Returns the freed heap to the OS without blocking the caller (by
  /// default on a thread of its own, config/heap.hpp: it can take hundreds
  /// of milliseconds on a fragmented heap).
  std::function<void()> release_memory = config::release_heap_async;
  /// Cluster mode: the directory routes each user by the partition table
  /// of the cluster agent; until the first one arrives it routes nothing.
  bool clustered = false;
};

/// The todos of one user. Applies commands in arrival order, hands the
/// records to the journal and, once they are durable, answers the requester
/// and pushes the result and the events to every subscribed session.
struct todo_list_state {
  static inline const char* name = "todo-list";

  /// A command whose records are on their way to the store.
  struct in_flight {
    command_outcome result;
    /// The result frame and the event frames, encoded once for every
    /// session (empty result frame: a scheduler wake, no result to push).
    shared_frame result_frame;
    std::vector<shared_frame> event_frames;
    std::vector<caf::typed_response_promise<command_outcome>> waiters;
    std::string idempotency_key;
    std::string fingerprint;
    /// Wake times to report to the scheduler after the commit.
    std::vector<wake_change> wakes;
    /// Instants of the reminders this command fired: their lateness is
    /// measured when they are durable and pushed.
    std::vector<int64_t> fired;
  };

  todo_list_actor::pointer self = nullptr;
  user_directory_actor directory;
  journal_actor journal;
  /// Shared by every list of the node (one copy, not ~200 bytes a list).
  std::shared_ptr<const todo_list_settings> settings;
  /// Cluster mode: the partition and epoch every commit of this list is
  /// fenced with (set by the directory per list).
  persistence::partition_fence fence;
  user_todos todos;
  /// `todos` sorted in the orders queries asked for, once a list has
  /// `indexed_threshold` todos (smaller lists scan: an index costs ~500
  /// bytes a todo); null until then, so that a small list does not carry
  /// an empty one. Mutable: a query may build an order.
  mutable std::unique_ptr<domain::sort_indexes> indexes;
  static constexpr size_t indexed_threshold = 256;
  /// Highest sequence number known to be durable.
  int64_t committed_seq = 0;
  /// Messages handled that the directory routed here (passivation check).
  uint64_t routed = 0;
  bool loaded = false;
  /// Outstanding requests to the journal other than appends.
  uint32_t lookups = 0;
  caf::actor_clock::time_point last_active;
  std::vector<session_actor> sessions;
  /// By request id, in submission order.
  std::unordered_map<std::string, in_flight> pending;
  /// Idempotency key -> request id of a pending command.
  std::unordered_map<std::string, std::string> pending_keys;
  /// Admits and tracks this user's RRULE expansions (worker threads).
  expansion_runner expander;

  /// Wake commands sent so far (their internal request ids).
  uint64_t wakes_sent = 0;

  using promise = caf::typed_response_promise<command_outcome>;

  /// Takes its handles and settings, then loads the user's todos.
  void start(todo_list_actor::pointer ptr, user_directory_actor dir,
             journal_actor jnl, std::shared_ptr<const todo_list_settings> cfg,
             persistence::partition_fence fence);
  /// The snapshot from the journal (stops the actor on a bad row).
  void load(persistence::user_snapshot& snap);
  /// Tells `indexes` about the todos a command changed or removed.
  void reindex(const std::vector<persistence::todo_record>& changed);
  /// A subscribed session went away.
  void drop_session(const caf::actor_addr& addr);
  caf::result<command_outcome> handle(command& cmd);
  /// The scheduler's wake of one todo: fires what is due.
  caf::result<command_outcome> wake(const std::string& todo_id);
  /// Joins a pending command with the same key, or looks the key up.
  caf::result<command_outcome> keyed(command& cmd);
  void execute(command& cmd, promise rp);
  void run(command& cmd, promise rp, int64_t now_ms,
           const successor_plan& plan);
  /// Sends `frame` to every subscribed session (one shared message).
  void broadcast(const shared_frame& frame);
  /// Runs `job` on a worker thread and calls `done(true)` in this actor
  /// when it finished within the time limit, else `done(false)`. With
  /// `await`, no other message is handled meanwhile (a command waits for
  /// its successor); the scheduler thread is never blocked.
  void expand(std::function<void()> job, bool await,
              std::function<void(bool)> done);
  /// Occurrences computed by `fn` with `expand`: `too_expensive` naming
  /// `field` when it takes too long, `busy` while an earlier one still
  /// runs.
  caf::result<occurrence_list>
  bounded(std::function<caf::expected<occurrence_list>()> fn,
          std::string field);
  caf::result<occurrence_list> occurrences(const std::string& id,
                                           int32_t limit);
  caf::result<occurrence_list> preview(const domain::preview_request& req);
  void committed(const std::string& request_id, int64_t last_seq);
  void failed(const caf::error& err);
  caf::result<todo_page> list(const domain::query& q) const;
  /// Filters, sorts and pages `todos` (through `indexes` when large).
  std::variant<domain::page, domain::field_error>
  run_query(const domain::query& q) const;
  caf::result<domain::todo> get(const std::string& id) const;
  /// The time zone and the projects (the Inbox first, then by `order`
  /// and name).
  user_profile profile() const;
  /// The newest `limit` notifications (only unread ones with `unread`).
  notification_page notices(bool unread, int32_t limit) const;
  caf::result<persistence::request_record>
  status(const std::string& request_id);
  caf::result<int64_t> subscribe(session_actor session);
  /// The idle check: asks the directory to passivate this list when it has
  /// been idle for `idle_timeout`, else arms the next check.
  void tick();
  void arm_tick();
  list_summary summary() const;
  void touch();
  /// A message the directory routed here.
  void on_routed();
};

/// Loads the user's todos from the journal, then serves `todo_api`.
todo_list_actor::behavior_type
todo_list(todo_list_actor::stateful_pointer<todo_list_state> self,
          std::string user_id, user_directory_actor directory,
          journal_actor journal,
          std::shared_ptr<const todo_list_settings> settings,
          persistence::partition_fence fence);

} // namespace actodo::actors
