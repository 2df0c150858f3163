#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"

/// When things happen to a todo: its due instant in its zone, when its
/// reminders fire, when the scheduler has to wake it, and its next
/// occurrences. Pure functions over `todo`; the calendar module does the
/// time zone and RRULE work.
namespace actodo::actors::domain {

/// A reminder handled later than this after its instant counts as missed
/// and follows its misfire policy.
inline constexpr int64_t misfire_grace_ms = 60'000;

/// The zone of `t`: its `time_zone`, or `UTC` when empty.
std::string_view zone_of(const todo& t);

/// The wall-clock time of `due` in the todo's zone (a date stays a date).
std::optional<calendar::local_time> due_local(const todo& t);

/// The instant of `due`; a date means 00:00 of that day in the todo's zone.
std::optional<int64_t> due_instant(const todo& t);

/// When `r` fires next: its snooze, its `at`, or due + offset; `nullopt`
/// when it is not pending or has no instant (an offset without due).
std::optional<int64_t> reminder_instant(const todo& t, const reminder& r);

/// Makes `r` pending again: no snooze, not fired.
void rearm(reminder& r);

/// The earliest instant at which the reminder scheduler must wake `t`:
/// its first pending reminder while it is open, and, for a `from_due`
/// series without a next occurrence yet, its due instant. -1 when never.
int64_t wake_at(const todo& t);

/// True when `t` must get its next occurrence now: it recurs, has none
/// yet, its series did not end, and it is completed or (`from_due`) its
/// due instant passed.
bool needs_successor(const todo& t, int64_t now_ms);

/// The next occurrence of `t` as a new, open todo (id and timestamps left
/// to the caller): same title, notes, tags, priority, order, zone,
/// reminders (re-armed, absolute ones shifted with the due date) and
/// series, `index` + 1. The schedule continues after the later of the
/// current due date and `now_ms` (`from_due`), or after the completion day
/// at the due time of day (`from_completion`). `nullopt` when the series
/// ended (`COUNT`, `UNTIL`, or no further match) or the expansion ran
/// out of its `budget` (see `calendar::expand`); `ended_because` (when
/// given) then says which: `count`, `until` (the rule has no further
/// occurrence) or `budget`.
std::optional<todo> next_occurrence(const todo& t, int64_t now_ms,
                                    size_t budget = calendar::default_budget,
                                    std::string* ended_because = nullptr);

/// The due values of the next `limit` occurrences after `t`'s own. Sets
/// `exhausted` (when given) if the `budget` ran out first.
std::vector<std::string> upcoming(const todo& t, size_t limit,
                                  size_t budget = calendar::default_budget,
                                  bool* exhausted = nullptr);

/// Resolves a recurrence given by a client against `t`'s due date (presets
/// need its weekday and day of month) and sets it on `t`, keeping the
/// series of an existing recurrence.
void set_recurrence(const recurrence_input& in, todo& t);

/// Checks what only the whole todo can tell: reminders with an offset and
/// recurrences need `due`; a preset needs a date to anchor on.
std::optional<field_error> check_schedule(const todo& t);

/// Renders a `due` value for `instant`/`local` in the todo's zone: a date
/// for date-only series, else RFC 3339 with the zone's offset.
std::string due_text(const calendar::local_time& local, std::string_view zone);

} // namespace actodo::actors::domain
