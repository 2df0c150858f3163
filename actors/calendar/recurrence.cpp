// RFC 5545 recurrence rules with libical. Only reentrant libical calls are
// used (no ring buffers, no global error state): every function here may run
// on several threads at once.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <date/date.h>
#include <libical/ical.h>
#include <memory>
#include <tuple>

#include "actors/calendar/calendar.hpp"

namespace actodo::actors::calendar {

namespace {

/// A parsed rule that owns the strings libical allocated for it.
struct parsed_rule {
  icalrecurrencetype value;

  explicit parsed_rule(std::string_view str) {
    std::string text{str};
    value = icalrecurrencetype_from_string(text.c_str());
    icalerror_clear_errno();
  }

  parsed_rule(const parsed_rule&) = delete;
  parsed_rule& operator=(const parsed_rule&) = delete;

  ~parsed_rule() {
    icalmemory_free_buffer(value.rscale);
  }

  /// libical parses a broken rule as one without a frequency.
  bool ok() const {
    return value.freq != ICAL_NO_RECURRENCE;
  }

  /// libical's canonical text.
  std::string str() {
    std::unique_ptr<char, void (*)(void*)> buf{
      icalrecurrencetype_as_string_r(&value), icalmemory_free_buffer};
    return buf ? std::string{buf.get()} : std::string{};
  }
};

bool has(const short* values) {
  return values[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

template<class Predicate>
bool any_of(const short* values, size_t size, Predicate pred) {
  for (size_t i = 0; i < size && values[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
    if (pred(values[i]))
      return true;
  return false;
}

/// The checks libical's parser leaves to us: our policy and the RFC 5545
/// restrictions on which parts go with which frequency.
std::optional<rule_error> check_policy(const icalrecurrencetype& r) {
  auto freq = r.freq;
  if (freq == ICAL_SECONDLY_RECURRENCE || freq == ICAL_MINUTELY_RECURRENCE)
    return rule_error{"FREQ", "SECONDLY and MINUTELY are not supported"};
  if (r.count > 100000)
    return rule_error{"COUNT", "COUNT is above 100,000"};
  if (r.rscale != nullptr)
    return rule_error{"RSCALE", "only the Gregorian calendar is supported"};
  if (any_of(r.by_month, ICAL_BY_MONTH_SIZE, [](short x) {
        return icalrecurrencetype_month_is_leap(x)
               || icalrecurrencetype_month_month(x) > 12;
      }))
    return rule_error{"BYMONTH", "BYMONTH must be 1 to 12"};
  if (has(r.by_week_no) && freq != ICAL_YEARLY_RECURRENCE)
    return rule_error{"BYWEEKNO", "BYWEEKNO needs FREQ=YEARLY"};
  if (has(r.by_year_day)
      && (freq == ICAL_DAILY_RECURRENCE || freq == ICAL_WEEKLY_RECURRENCE
          || freq == ICAL_MONTHLY_RECURRENCE))
    return rule_error{"BYYEARDAY", "BYYEARDAY does not go with this FREQ"};
  if (has(r.by_month_day) && freq == ICAL_WEEKLY_RECURRENCE)
    return rule_error{"BYMONTHDAY", "BYMONTHDAY does not go with WEEKLY"};
  auto limit = freq == ICAL_MONTHLY_RECURRENCE                        ? 5
               : freq == ICAL_YEARLY_RECURRENCE && !has(r.by_week_no) ? 53
                                                                      : 0;
  if (any_of(r.by_day, ICAL_BY_DAY_SIZE, [limit](short x) {
        return std::abs(icalrecurrencetype_day_position(x)) > limit;
      }))
    return rule_error{"BYDAY", "this BYDAY ordinal is out of range"};
  return std::nullopt;
}

std::string upper(std::string_view str) {
  std::string res{str};
  for (auto& c : res)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return res;
}

/// Finds the part of a rule that libical's parser rejects by parsing each
/// part on its own.
rule_error blame(std::string_view rrule) {
  if (upper(rrule.substr(0, 6)) == "RRULE:")
    return {"", "write the rule without the RRULE: prefix"};
  std::vector<std::pair<std::string, std::string_view>> parts;
  std::string freq = "YEARLY";
  for (size_t pos = 0; pos <= rrule.size();) {
    auto end = std::min(rrule.find(';', pos), rrule.size());
    auto part = rrule.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty())
      continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return {"", "expected NAME=VALUE parts separated by ';'"};
    auto name = upper(part.substr(0, eq));
    for (auto& seen : parts)
      if (seen.first == name)
        return {name, name + " appears more than once"};
    if (name == "FREQ" && parsed_rule{part}.ok())
      freq = std::string{part.substr(eq + 1)};
    parts.emplace_back(std::move(name), part);
  }
  auto named = [&](const char* name) {
    return std::any_of(parts.begin(), parts.end(),
                       [name](auto& x) { return x.first == name; });
  };
  if (named("COUNT") && named("UNTIL"))
    return {"UNTIL", "COUNT and UNTIL exclude each other"};
  for (auto& [name, part] : parts) {
    auto probe = name == "FREQ" ? std::string{part}
                                : "FREQ=" + freq + ";" + std::string{part};
    if (!parsed_rule{probe}.ok())
      return {name, "invalid " + name};
  }
  if (!named("FREQ"))
    return {"FREQ", "FREQ is required"};
  return {"", "invalid rule"};
}

icaltimetype to_ical(const local_time& x) {
  auto res = icaltime_null_time();
  res.year = x.year;
  res.month = x.month;
  res.day = x.day;
  res.hour = x.date_only ? 0 : x.hour;
  res.minute = x.date_only ? 0 : x.minute;
  res.second = x.date_only ? 0 : x.second;
  res.is_date = x.date_only ? 1 : 0;
  return res;
}

/// The end of the day `ymd` (or that date when `date_only`).
local_time from_ymd(const date::year_month_day& ymd, bool date_only) {
  local_time res{static_cast<int>(ymd.year()),
                 static_cast<int>(static_cast<unsigned>(ymd.month())),
                 static_cast<int>(static_cast<unsigned>(ymd.day())),
                 23,
                 59,
                 59,
                 false};
  if (date_only)
    res.hour = res.minute = res.second = 0;
  res.date_only = date_only;
  return res;
}

local_time from_ical(const icaltimetype& x, bool date_only) {
  if (date_only)
    return {x.year, x.month, x.day, 0, 0, 0, true};
  return {x.year, x.month, x.day, x.hour, x.minute, x.second, false};
}

/// A rough upper bound of one FREQ period.
std::chrono::seconds period(icalrecurrencetype_frequency freq) {
  using std::chrono::hours;
  switch (freq) {
    case ICAL_HOURLY_RECURRENCE: return hours{1};
    case ICAL_DAILY_RECURRENCE: return hours{24};
    case ICAL_WEEKLY_RECURRENCE: return hours{24 * 7};
    case ICAL_MONTHLY_RECURRENCE: return hours{24 * 31};
    default: return hours{24 * 366};
  }
}

/// Whether `x` is strictly after `y` on the wall clock (a date means 00:00).
bool later(const local_time& x, const local_time& y) {
  return std::tie(y.year, y.month, y.day, y.hour, y.minute, y.second)
         < std::tie(x.year, x.month, x.day, x.hour, x.minute, x.second);
}

/// The last wall-clock time to expand: the rule's UNTIL, read in the value
/// type of `start` and ignoring any zone, but at most `max_steps` periods
/// after `start`. libical checks UNTIL inside its search loop, so the bound
/// also stops a rule that never matches; COUNT does not.
icaltimetype bound(const icalrecurrencetype& r, const local_time& start,
                   size_t max_steps) {
  using std::chrono::hours;
  constexpr auto max_span = hours{24 * 366} * 8000; // keeps years in range
  auto steps = static_cast<int64_t>(std::min(max_steps, size_t{1'000'000}));
  auto span = std::min(
    period(r.freq) * steps * r.interval,
    std::chrono::duration_cast<std::chrono::seconds>(max_span));
  auto last = date::sys_days{date::year{start.year} / start.month / start.day}
              + date::ceil<date::days>(span);
  auto res = to_ical(from_ymd(date::year_month_day{last}, start.date_only));
  if (!icaltime_is_null_time(r.until)) {
    auto until = r.until;
    until.zone = nullptr;
    if (start.date_only) {
      until.hour = until.minute = until.second = 0;
      until.is_date = 1;
    } else if (until.is_date) {
      until.hour = 23;
      until.minute = until.second = 59;
      until.is_date = 0;
    }
    if (icaltime_compare(until, res) < 0)
      res = until;
  }
  return res;
}

} // namespace

std::optional<std::string> normalize_rrule(std::string_view rrule,
                                           rule_error& err) {
  if (rrule.size() > 1000) {
    err = {"", "the rule is longer than 1,000 characters"};
    return std::nullopt;
  }
  if (rrule.find('\0') != std::string_view::npos) {
    err = {"", "the rule contains a NUL character"};
    return std::nullopt;
  }
  parsed_rule rule{rrule};
  if (!rule.ok()) {
    err = blame(rrule);
    return std::nullopt;
  }
  if (auto res = check_policy(rule.value)) {
    err = std::move(*res);
    return std::nullopt;
  }
  return rule.str();
}

std::optional<std::string> preset_rrule(std::string_view preset,
                                        const local_time& start) {
  static constexpr const char* days[] = {"SU", "MO", "TU", "WE",
                                         "TH", "FR", "SA"};
  auto ymd = date::year{start.year} / start.month / start.day;
  std::string res;
  if (preset == "daily")
    res = "FREQ=DAILY";
  else if (preset == "weekdays")
    res = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
  else if (preset == "weekly")
    res = std::string{"FREQ=WEEKLY;BYDAY="}
          + days[date::weekday{date::sys_days{ymd}}.c_encoding()];
  else if (preset == "monthly")
    res = "FREQ=MONTHLY;BYMONTHDAY=" + std::to_string(start.day);
  else if (preset == "monthly_last_weekday")
    res = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1";
  else if (preset == "yearly")
    res = "FREQ=YEARLY;BYMONTH=" + std::to_string(start.month)
          + ";BYMONTHDAY=" + std::to_string(start.day);
  else
    return std::nullopt;
  rule_error err;
  return normalize_rrule(res, err);
}

std::vector<local_time> occurrences(std::string_view rrule,
                                    const local_time& start,
                                    const std::vector<local_time>& exdates,
                                    const std::optional<local_time>& after,
                                    size_t limit, size_t max_steps) {
  return expand(rrule, start, exdates, after, limit, max_steps).items;
}

expansion expand(std::string_view rrule, const local_time& start,
                 const std::vector<local_time>& exdates,
                 const std::optional<local_time>& after, size_t limit,
                 size_t max_steps) {
  expansion res;
  parsed_rule rule{rrule};
  if (!rule.ok() || limit == 0)
    return res;
  if (max_steps == 0) {
    res.exhausted = true;
    return res;
  }
  auto& r = rule.value;
  auto last = bound(r, start, max_steps);
  // Whether the search ends at our bound rather than at the rule's own
  // UNTIL or at libical's horizon (the year 2582).
  auto capped = (icaltime_is_null_time(r.until)
                 || icaltime_compare(last, r.until) < 0)
                && last.year <= 2582;
  r.until = last;
  std::unique_ptr<icalrecur_iterator, void (*)(icalrecur_iterator*)> iter{
    icalrecur_iterator_new(r, to_ical(start)), icalrecur_iterator_free};
  icalerror_clear_errno();
  if (!iter) {
    res.exhausted = capped; // libical found no occurrence at all
    return res;
  }
  auto excluded = [&exdates](const local_time& x) {
    return std::any_of(exdates.begin(), exdates.end(), [&x](auto& ex) {
      return ex.date_only
               ? ex.year == x.year && ex.month == x.month && ex.day == x.day
               : !later(ex, x) && !later(x, ex);
    });
  };
  size_t step = 0;
  for (; step < max_steps && res.items.size() < limit; ++step) {
    auto next = icalrecur_iterator_next(iter.get());
    if (icaltime_is_null_time(next)) {
      auto counted_out = r.count > 0 && step >= static_cast<size_t>(r.count);
      res.exhausted = capped && !counted_out;
      return res;
    }
    auto x = from_ical(next, start.date_only);
    if (after && !later(x, *after))
      continue;
    if (!excluded(x))
      res.items.push_back(x);
  }
  res.exhausted = res.items.size() < limit;
  return res;
}

int rule_count(std::string_view rrule) {
  parsed_rule rule{rrule};
  return rule.ok() ? rule.value.count : 0;
}

std::string without_count(std::string_view rrule) {
  parsed_rule rule{rrule};
  if (!rule.ok())
    return std::string{rrule};
  rule.value.count = 0;
  return rule.str();
}

} // namespace actodo::actors::calendar
