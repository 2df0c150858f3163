#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "actors/domain/validation.hpp"

namespace actodo::actors::domain {

/// A snooze or dismiss of one reminder as a client asks for it.
struct reminder_action {
  /// The index of the reminder in the todo's list.
  size_t index = 0;
  /// Snooze: until this instant (ms since the epoch); 0 for a dismiss.
  int64_t until_ms = 0;
};

/// Validates the body of a snooze (`snooze`) or dismiss:
/// `{"reminder":n}` plus, for a snooze, exactly one of `for` (a positive
/// ISO 8601 duration such as `PT10M`, at most 366 days) and `until` (an
/// RFC 3339 date-time with offset after `now_ms`). `n` is an index below
/// `max_reminders`; whether the todo has that reminder only its list
/// knows. Fills `out` on success.
std::optional<field_error> parse_reminder_action(const nlohmann::json& body,
                                                 bool snooze, int64_t now_ms,
                                                 reminder_action& out);

} // namespace actodo::actors::domain
