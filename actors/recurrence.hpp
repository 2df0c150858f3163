#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/apply.hpp"
#include "actors/domain/todo.hpp"
#include "actors/messages.hpp"

/// Recurrence work as plain functions: each user's `todo_list` runs them
/// itself, so an expansion is charged to the user who asked for it and
/// never queues behind another user's (there is no node-wide generator).
/// Every expansion is bounded by `budget` (see `calendar::expand`).
namespace actodo::actors {

/// Most occurrences one listing or preview returns.
inline constexpr int32_t max_occurrences = 100;

/// The next occurrence of `before` (a todo that was completed or whose
/// occurrence passed), or why its series ends.
successor_plan plan_successor(const domain::todo& before, int64_t now_ms,
                              size_t budget);

/// Upcoming occurrences of `t`: `{"items":[{"due"}...]}`; 404 when it
/// does not recur, 422 (`recurrence/rrule`) when the budget runs out.
reply occurrences_reply(const domain::todo& t, int32_t limit, size_t budget);

/// Occurrences of an unsaved rule from the decoded query parameters,
/// flattened (`rrule` or `preset`, `due`, `time_zone`, `exdate`, `mode`,
/// `limit`); 400 naming the parameter, 422 (`rrule` or `preset`) when the
/// budget runs out.
reply preview_reply(const std::vector<std::string>& params, size_t budget);

} // namespace actodo::actors
