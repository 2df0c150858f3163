#pragma once

#include <cstddef>
#include <cstdint>

#include "caf/expected.hpp"

#include "actors/apply.hpp"
#include "actors/domain/preview.hpp"
#include "actors/domain/todo.hpp"
#include "actors/messages.hpp"

/// Recurrence work as plain functions: each user's `todo_list` runs them
/// itself, so an expansion is charged to the user who asked for it and
/// never queues behind another user's (there is no node-wide generator).
/// Every expansion is bounded by `budget` (see `calendar::expand`).
namespace actodo::actors {

/// The next occurrence of `before` (a todo that was completed or whose
/// occurrence passed), or why its series ends.
successor_plan plan_successor(const domain::todo& before, int64_t now_ms,
                              size_t budget);

/// Upcoming occurrences of `t`; `not_found` (`id`) when it does not recur,
/// `invalid_field` (`limit`), `too_expensive` (`recurrence/rrule`) when the
/// budget runs out.
caf::expected<occurrence_list> occurrences_of(const domain::todo& t,
                                              int32_t limit, size_t budget);

/// Occurrences of an unsaved rule, its due date first; `too_expensive`
/// (naming `req.field`) when the budget runs out.
caf::expected<occurrence_list> preview_of(const domain::preview_request& req,
                                          size_t budget);

} // namespace actodo::actors
