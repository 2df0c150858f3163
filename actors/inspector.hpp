#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "config/metrics.hpp"

namespace actodo::actors {

/// Answers the operator console. Every request carries the admin token;
/// a wrong one is refused. Commands: help, nodes, actors [kind], user <id>,
/// sessions, journal. Output is text, or JSON when asked for.
struct inspector_state {
  static inline const char* name = "inspector";

  inspector_actor::pointer self = nullptr;
  std::string token;
  user_directory_actor directory;
  reminder_scheduler_actor scheduler;
  std::shared_ptr<config::metrics> stats;
  std::chrono::steady_clock::time_point started;
  caf::timespan timeout{};

  caf::result<std::string> run(const std::string& line, bool json);
};

inspector_actor::behavior_type
inspector(inspector_actor::stateful_pointer<inspector_state> self,
          std::string admin_token, user_directory_actor directory,
          std::shared_ptr<config::metrics> stats, caf::timespan timeout,
          reminder_scheduler_actor scheduler = {});

} // namespace actodo::actors
