#include "actors/domain/quick_add.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/quick_add_parts.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/text.hpp"

namespace actodo::actors::domain {

namespace {

using calendar::local_time;
using quick_add_parts::clock_time;
using quick_add_parts::rule_parts;
using quick_add_parts::tokens;

/// A recognised phrase: tokens `first` to `first + length`.
struct phrase {
  size_t first = 0;
  size_t length = 0;
  const char* kind = "";
};

/// What the text says, phrase by phrase (the first date, time, recurrence,
/// priority and project count; the later ones stay in the title).
struct reading {
  std::vector<phrase> phrases;
  std::optional<local_time> date;
  std::optional<clock_time> time;
  std::optional<rule_parts> rule;
  std::string prio;
  std::string project_id;
  std::vector<std::string> tags;
  std::vector<std::string> offsets;

  /// Reads the phrase at `i` and returns the number of tokens it takes.
  size_t read(const tokens& xs, size_t i, const local_time& today,
              const std::vector<project_ref>& projects);

  /// Records the phrase when `take` (its slot was free).
  size_t note(bool take, size_t i, size_t length, const char* kind) {
    if (take)
      phrases.push_back(phrase{i, length, kind});
    return length;
  }
};

size_t reading::read(const tokens& xs, size_t i, const local_time& today,
                     const std::vector<project_ref>& projects) {
  namespace parts = quick_add_parts;
  if (auto x = parts::match_reminder(xs, i)) {
    auto known = std::find(offsets.begin(), offsets.end(), x->value);
    if (known == offsets.end() && offsets.size() < max_reminders)
      offsets.push_back(x->value);
    else if (known == offsets.end())
      return x->length;
    return note(true, i, x->length, "reminder");
  }
  if (auto x = parts::match_recurrence(xs, i)) {
    auto take = !rule;
    if (take)
      rule = x->value;
    return note(take, i, x->length, "recurrence");
  }
  if (auto x = parts::match_date(xs, i, today)) {
    auto take = !date;
    if (take)
      date = x->value;
    return note(take, i, x->length, "date");
  }
  if (auto x = parts::match_time(xs, i)) {
    auto take = !time;
    if (take)
      time = x->value;
    return note(take, i, x->length, "time");
  }
  if (auto x = parts::match_priority(xs[i]); !x.empty()) {
    auto take = prio.empty();
    if (take)
      prio = std::move(x);
    return note(take, i, 1, "priority");
  }
  if (auto x = parts::match_tag(xs[i]); !x.empty()) {
    auto same = [&x](const std::string& y) { return iequals(x, y); };
    if (std::any_of(tags.begin(), tags.end(), same))
      return note(true, i, 1, "tag"); // said twice: once is enough
    auto take = tags.size() < max_tags
                && count_code_points(x) <= max_tag_length;
    if (take)
      tags.push_back(std::move(x));
    return note(take, i, 1, "tag");
  }
  auto& core = xs[i].core;
  if (core.size() > 1 && core[0] == '+') {
    auto name = std::string_view{core}.substr(1);
    auto same = [name](const project_ref& p) { return iequals(p.name, name); };
    auto found = std::find_if(projects.begin(), projects.end(), same);
    auto take = found != projects.end() && project_id.empty();
    if (take)
      project_id = found->id;
    return note(take, i, 1, "project");
  }
  return 1;
}

/// The first occurrence of `rrule` anchored at `anchor` that is not in the
/// past: on or after today, and after `now_ms` when it has a time.
std::optional<local_time>
first_occurrence(const std::string& rrule, local_time anchor,
                 const std::optional<clock_time>& time, const local_time& today,
                 std::string_view zone, int64_t now_ms) {
  auto after = quick_add_parts::add_days(today, -1);
  if (time) {
    anchor.hour = time->hour;
    anchor.minute = time->minute;
    anchor.date_only = false;
    after.hour = 23;
    after.minute = 59;
    after.second = 59;
    after.date_only = false;
  }
  for (auto& x : calendar::occurrences(rrule, anchor, {}, after, 3))
    if (!time || calendar::to_instant(x, zone) > now_ms)
      return x;
  return std::nullopt;
}

/// The due date (and time) of what was read.
std::optional<local_time> resolve_due(const reading& r, std::string& rrule,
                                      const local_time& today,
                                      std::string_view zone, int64_t now_ms) {
  if (r.rule) {
    rrule = quick_add_parts::rule_text(*r.rule, r.date.value_or(today));
    auto res = rrule.empty() ? std::nullopt
                             : first_occurrence(rrule, r.date.value_or(today),
                                                r.time, today, zone, now_ms);
    if (res)
      return res;
    rrule.clear();
  }
  if (!r.date && !r.time)
    return std::nullopt;
  auto res = r.date.value_or(today);
  if (r.time) {
    res.hour = r.time->hour;
    res.minute = r.time->minute;
    res.date_only = false;
    // A time alone: today while still ahead, else tomorrow.
    if (!r.date && calendar::to_instant(res, zone) <= now_ms) {
      auto next = quick_add_parts::add_days(today, 1);
      res.year = next.year;
      res.month = next.month;
      res.day = next.day;
    }
  }
  return res;
}

/// The words left for the title, single spaces between them; punctuation
/// after a recognised phrase sticks to the word before it.
std::string title_of(const tokens& xs, const std::vector<phrase>& phrases) {
  std::string res;
  auto add = [&res](std::string_view str, bool attach) {
    if (!attach && !res.empty())
      res += ' ';
    if (!attach || !res.empty())
      res += str;
  };
  auto next = phrases.begin();
  for (size_t i = 0; i < xs.size();) {
    if (next != phrases.end() && next->first == i) {
      i += next->length;
      add(xs[i - 1].suffix(), true);
      ++next;
    } else {
      add(xs[i++].raw, false);
    }
  }
  return res;
}

field_error text_error(std::string detail) {
  return field_error{"text", std::move(detail)};
}

} // namespace

std::variant<quick_add_result, field_error>
parse_quick_add(std::string_view text, std::string_view zone, int64_t now_ms,
                const std::vector<project_ref>& projects) {
  if (is_blank(text))
    return text_error("must not be blank");
  if (count_code_points(text) > max_title_length)
    return text_error("must be at most " + std::to_string(max_title_length)
                      + " characters");
  if (!zone.empty() && !calendar::valid_zone(zone))
    return field_error{"time_zone", "must be an IANA time zone name"};
  auto tz = zone.empty() ? std::string_view{"UTC"} : zone;
  auto today = calendar::to_local(now_ms, tz);
  today = local_time{today.year, today.month, today.day, 0, 0, 0, true};
  auto xs = quick_add_parts::tokenize(text);
  reading r;
  for (size_t i = 0; i < xs.size();)
    i += r.read(xs, i, today, projects);
  std::string rrule;
  auto due = resolve_due(r, rrule, today, tz, now_ms);
  auto drop = [&r](const char* kind) {
    auto is = [kind](const phrase& x) {
      return std::string_view{x.kind} == kind;
    };
    r.phrases.erase(std::remove_if(r.phrases.begin(), r.phrases.end(), is),
                    r.phrases.end());
  };
  if (rrule.empty())
    drop("recurrence"); // never matches: stays in the title
  if (!due) {
    drop("reminder"); // nothing to be reminded of
    r.offsets.clear();
  }
  quick_add_result res;
  auto title = title_of(xs, r.phrases);
  if (title.empty())
    return text_error("leaves nothing for the title");
  auto& body = res.todo;
  body["title"] = title;
  if (due) {
    body["due"] = due_text(*due, tz);
    if (!zone.empty())
      body["time_zone"] = std::string{zone};
  }
  if (!r.tags.empty())
    body["tags"] = r.tags;
  if (!r.prio.empty())
    body["priority"] = r.prio;
  if (!rrule.empty())
    body["recurrence"] = {{"rrule", rrule}};
  for (auto& x : r.offsets)
    body["reminders"].push_back(nlohmann::json::object({{"offset", x}}));
  if (!r.project_id.empty())
    body["project_id"] = r.project_id;
  for (auto& x : r.phrases)
    res.spans.push_back(quick_add_span{
      xs[x.first].begin, xs[x.first + x.length - 1].core_end, x.kind});
  return res;
}

} // namespace actodo::actors::domain
