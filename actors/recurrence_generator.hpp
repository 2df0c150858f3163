#pragma once

#include <cstdint>
#include <memory>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "config/metrics.hpp"

namespace actodo::actors {

/// Most occurrences one listing or preview returns.
inline constexpr int32_t max_occurrences = 100;

/// Computes next occurrences and listings of recurring todos (libical via
/// the calendar module), so that no `todo_list` and no io thread runs an
/// RRULE expansion. Stateless apart from its counters.
struct recurrence_generator_state {
  static inline const char* name = "recurrence-generator";

  recurrence_generator_actor::pointer self = nullptr;
  std::shared_ptr<config::metrics> stats;
  uint64_t generated = 0;
  uint64_t ended = 0;

  std::string next(const std::string& todo_json, int64_t now_ms);
  reply occurrences(const std::string& todo_json, int32_t limit);
  reply preview(const std::vector<std::string>& params);
};

recurrence_generator_actor::behavior_type recurrence_generator(
  recurrence_generator_actor::stateful_pointer<recurrence_generator_state> self,
  std::shared_ptr<config::metrics> stats);

} // namespace actodo::actors
