#include "actors/domain/schedule.hpp"

#include <algorithm>

#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

using calendar::local_time;

std::vector<local_time> exdates_of(const recurrence& r) {
  std::vector<local_time> result;
  for (auto& x : r.exdates)
    if (auto local = calendar::parse_local(x))
      result.push_back(*local);
  return result;
}

/// `day` at the time of day of `time`.
local_time at_time_of(local_time day, const local_time& time) {
  day.hour = time.hour;
  day.minute = time.minute;
  day.second = time.second;
  day.date_only = time.date_only;
  if (day.date_only)
    day.hour = day.minute = day.second = 0;
  return day;
}

} // namespace

std::string_view zone_of(const todo& t) {
  return t.time_zone.empty() ? std::string_view{"UTC"}
                             : std::string_view{t.time_zone};
}

std::optional<calendar::local_time> due_local(const todo& t) {
  if (t.due.empty())
    return std::nullopt;
  if (t.due.size() == 10)
    return calendar::parse_local(t.due);
  auto ms = parse_rfc3339(t.due, false);
  if (!ms)
    return std::nullopt;
  return calendar::to_local(*ms, zone_of(t));
}

std::optional<int64_t> due_instant(const todo& t) {
  if (t.due.empty())
    return std::nullopt;
  if (t.due.size() == 10) {
    auto local = calendar::parse_local(t.due);
    if (!local)
      return std::nullopt;
    return calendar::to_instant(*local, zone_of(t));
  }
  return parse_rfc3339(t.due, false);
}

std::optional<int64_t> reminder_instant(const todo& t, const reminder& r) {
  if (r.state != reminder_state::pending)
    return std::nullopt;
  if (r.snoozed_until > 0)
    return r.snoozed_until;
  if (!r.at.empty())
    return parse_rfc3339(r.at, false);
  if (auto due = due_instant(t))
    return *due + r.offset_ms;
  return std::nullopt;
}

void rearm(reminder& r) {
  r.state = reminder_state::pending;
  r.snoozed_until = 0;
  r.fired_at.clear();
}

int64_t wake_at(const todo& t) {
  int64_t result = -1;
  if (t.archived)
    return result; // An archived todo fires nothing.
  auto consider = [&result](int64_t x) {
    if (result < 0 || x < result)
      result = std::max(x, int64_t{0});
  };
  if (!t.completed)
    for (auto& r : t.reminders)
      if (auto at = reminder_instant(t, r))
        consider(*at);
  if (t.recur && !t.recur->from_completion && t.recur->next_id.empty()
      && !t.recur->ended && !t.completed)
    if (auto due = due_instant(t))
      consider(*due);
  return result;
}

bool needs_successor(const todo& t, int64_t now_ms) {
  if (!t.recur || !t.recur->next_id.empty() || t.recur->ended || t.archived)
    return false;
  if (t.completed)
    return true;
  if (t.recur->from_completion)
    return false;
  auto due = due_instant(t);
  return due && *due <= now_ms;
}

std::optional<todo> next_occurrence(const todo& t, int64_t now_ms,
                                    size_t budget, std::string* ended_because) {
  auto ended = [ended_because](const char* why) {
    if (ended_because != nullptr)
      *ended_because = why;
    return std::nullopt;
  };
  auto start = due_local(t);
  if (!t.recur || !start)
    return ended("until");
  auto& rec = *t.recur;
  auto count = calendar::rule_count(rec.rrule);
  if (count > 0 && rec.index >= count)
    return ended("count");
  auto zone = zone_of(t);
  auto rule = calendar::without_count(rec.rrule);
  auto anchor = *start;
  if (rec.from_completion) {
    auto done_ms = t.completed_ms.value_or(now_ms);
    anchor = at_time_of(calendar::to_local(done_ms, zone), *start);
  } else {
    // Late: continue after now instead of creating missed occurrences.
    auto now_local = at_time_of(calendar::to_local(now_ms, zone), *start);
    if (anchor < now_local)
      anchor = now_local;
  }
  auto found = calendar::expand(rule, anchor, exdates_of(rec), anchor, 1,
                                budget);
  if (found.items.empty())
    return ended(found.exhausted ? "budget" : "until");
  auto& next = found.items;
  todo result;
  result.title = t.title;
  result.notes = t.notes;
  result.prio = t.prio;
  result.tags = t.tags;
  result.order = t.order;
  result.time_zone = t.time_zone;
  result.due = due_text(next.front(), zone);
  auto old_due = due_instant(t).value_or(0);
  auto new_due = due_instant(result).value_or(old_due);
  for (auto r : t.reminders) {
    rearm(r);
    if (!r.at.empty())
      if (auto at = parse_rfc3339(r.at, false))
        r.at = format_rfc3339_ms(*at + (new_due - old_due));
    result.reminders.push_back(std::move(r));
  }
  result.recur = rec;
  result.recur->index = rec.index + 1;
  result.recur->next_id.clear();
  result.recur->ended = false;
  result.recur->end_reason.clear();
  return result;
}

std::vector<std::string> upcoming(const todo& t, size_t limit, size_t budget,
                                  bool* exhausted) {
  std::vector<std::string> result;
  auto start = due_local(t);
  if (!t.recur || !start || t.recur->ended)
    return result;
  auto& rec = *t.recur;
  auto count = calendar::rule_count(rec.rrule);
  if (count > 0)
    limit = std::min(
      limit, static_cast<size_t>(std::max<int64_t>(count - rec.index, 0)));
  auto zone = zone_of(t);
  auto rule = calendar::without_count(rec.rrule);
  auto found = calendar::expand(rule, *start, exdates_of(rec), *start, limit,
                                budget);
  if (exhausted != nullptr)
    *exhausted = found.exhausted;
  for (auto& x : found.items)
    result.push_back(due_text(x, zone));
  return result;
}

void set_recurrence(const recurrence_input& in, todo& t) {
  recurrence rec = t.recur ? *t.recur : recurrence{};
  if (!t.recur) {
    rec.series_id = t.id;
    rec.index = in.index;
  }
  rec.rrule = in.rrule;
  if (!in.preset.empty()) {
    rec.rrule.clear();
    if (auto start = due_local(t))
      rec.rrule = calendar::preset_rrule(in.preset, *start).value_or("");
  }
  rec.exdates = in.exdates;
  rec.from_completion = in.from_completion;
  rec.ended = in.ended;
  rec.end_reason = in.end_reason;
  t.recur = std::move(rec);
}

std::optional<field_error> check_schedule(const todo& t) {
  for (size_t i = 0; i < t.reminders.size(); ++i)
    if (t.reminders[i].at.empty() && t.due.empty())
      return field_error{"reminders/" + std::to_string(i) + "/offset",
                         "a reminder relative to due needs a due date"};
  if (t.recur && t.due.empty())
    return field_error{"recurrence", "a recurring todo needs a due date"};
  if (t.recur && t.recur->rrule.empty())
    return field_error{"recurrence/preset", "needs a due date to anchor on"};
  return std::nullopt;
}

std::string due_text(const calendar::local_time& local, std::string_view zone) {
  if (local.date_only)
    return calendar::to_string(local);
  return calendar::format_in_zone(calendar::to_instant(local, zone), zone);
}

} // namespace actodo::actors::domain
