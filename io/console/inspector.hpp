#pragma once

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "actors/node_metrics.hpp"

namespace actodo::io::console {

/// Answers the operator console. Every request carries the admin token;
/// a wrong one is refused. Commands: help, nodes, actors [kind], user <id>,
/// sessions, journal. Output is text, or JSON when asked for.
struct inspector_state {
  static inline const char* name = "inspector";

  actors::inspector_actor::pointer self = nullptr;
  std::string token;
  actors::user_directory_actor directory;
  actors::reminder_scheduler_actor scheduler;
  /// Cluster mode: the node's cluster agent (`nodes`, owners); else null.
  actors::cluster_agent_actor cluster;
  /// Every metric of the node's actors (it shows them all).
  actors::node_metrics stats;
  std::chrono::steady_clock::time_point started;
  /// Message counters per kind, sampled every second (the last 11 s).
  using counts = std::array<uint64_t, actors::actor_kind_count>;
  std::deque<std::pair<std::chrono::steady_clock::time_point, counts>> samples;
  caf::timespan timeout{};

  caf::result<std::string> run(const std::string& line, bool json);
  double uptime() const;
  std::string actors_view(const std::string& kind, bool json) const;
  caf::result<std::string> user_view(const std::string& user, bool json);
  /// Every node of the cluster (this one alone when not clustered).
  caf::result<std::string> nodes_view(bool json);
  std::string journal_view(bool json) const;
  /// The scheduler's summary, or its next `next` wakes when above 0.
  caf::result<std::string> reminders_view(int32_t next, bool json);
  void sample();
  /// Messages per second per kind over the sampled window.
  std::array<double, actors::actor_kind_count> rates() const;
};

actors::inspector_actor::behavior_type
inspector(actors::inspector_actor::stateful_pointer<inspector_state> self,
          std::string admin_token, actors::user_directory_actor directory,
          actors::node_metrics stats, caf::timespan timeout,
          actors::reminder_scheduler_actor scheduler = {},
          actors::cluster_agent_actor cluster = {});

} // namespace actodo::io::console
