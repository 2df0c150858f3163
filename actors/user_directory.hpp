#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "actors/list_metrics.hpp"
#include "actors/todo_list.hpp"

namespace actodo::actors {

/// Maps user ids to their `todo_list`, spawning one on first use and
/// passivating it when it reports being idle with nothing in between.
struct user_directory_state {
  static inline const char* name = "user-directory";

  struct entry {
    todo_list_actor handle;
    /// Messages routed to `handle` so far.
    uint64_t routed = 0;
    /// The partition epoch it commits under (cluster mode; 0 otherwise).
    int64_t epoch = 0;
  };

  user_directory_actor::pointer self = nullptr;
  journal_actor journal;
  todo_list_settings settings;
  /// The same, shared by every `todo_list` this directory spawns.
  std::shared_ptr<const todo_list_settings> list_settings;
  std::unordered_map<std::string, entry> users;
  uint64_t spawned = 0;
  uint64_t passivated = 0;
  /// Whether a `trim` is scheduled, and how many ran.
  bool trim_scheduled = false;
  uint64_t trims = 0;
  /// Resident, spawned and passivated lists. The directory counts its own
  /// messages where its lists do (`settings.messages`).
  std::shared_ptr<list_metrics> stats;

  /// Cluster mode: who owns which partition (see `target`), and the epochs
  /// of this node's partitions as the reminder scheduler last heard them.
  routing_table routes;
  std::vector<int64_t> scheduled_epochs;

  /// Cluster mode: the sessions on this node (monitored) and their users,
  /// and how many sessions each user has here (presence).
  std::map<caf::actor_addr, std::string> session_users;
  std::map<std::string, int64_t> present;

  /// Cluster mode: requests this node relays to owners on other nodes
  /// (see `relay` in the source), by relay number; `fail` answers one.
  struct relayed_request {
    caf::node_id node;
    std::function<void(caf::error)> fail;
  };
  std::unordered_map<uint64_t, relayed_request> relayed;
  uint64_t relays = 0;
  /// The owners' directories on other nodes, monitored: the link to their
  /// node dropping is their down message.
  std::set<caf::actor_addr> watched_owners;

  /// Cluster mode: counts a session of this node subscribing to `user`.
  void track(const std::string& user, const session_actor& session);

  /// The `todo_list` of `user`, spawned when needed; counts one routed
  /// message.
  todo_list_actor route(const std::string& user);
  /// Where a message for `user` goes: its local list (spawned when needed)
  /// or, in cluster mode, the owning node's directory; `unavailable` (retry)
  /// while the user's partition has no owner, or when another node sent a
  /// message this node does not own (never forwarded twice).
  caf::expected<todo_api> target(const std::string& user);
  /// A new partition table: stops the lists of partitions this node lost,
  /// and tells the reminder scheduler when this node's partitions changed.
  void reroute(routing_table table);
  /// A list reports being idle: passivates it (true) when it has handled
  /// everything routed to it, else it stays (false).
  bool idle(const std::string& user, uint64_t handled,
            const caf::actor_addr& reporter);
  /// Shutdown: takes every todo_list down too, and answers the relayed
  /// requests (503).
  void stop(const caf::error& reason);
  /// Monitors the directory of another node that owns partitions.
  void watch(const todo_api& owner);
  /// Answers the relayed requests to `node` (all when `node` is none)
  /// with `err`.
  void fail_relayed(const caf::node_id& node, const caf::error& err);
  /// A todo_list ended (failed or passivated), a tracked session, or a
  /// watched owner's node went away: its relayed requests fail (503, to
  /// retry) at once instead of waiting for their client's timeout.
  void forget(const caf::actor_addr& actor);
  /// Schedules a `trim` unless one is due anyway.
  void schedule_trim();
  /// Returns free heap pages to the OS.
  void trim();
  /// Whoever asks for a user's summary: the list's, or `resident: false`.
  caf::result<list_summary> summary(const std::string& user);
};

user_directory_actor::behavior_type user_directory(
  user_directory_actor::stateful_pointer<user_directory_state> self,
  journal_actor journal, todo_list_settings settings,
  std::shared_ptr<list_metrics> stats);

} // namespace actodo::actors
