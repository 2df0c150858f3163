#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Time zones (howardhinnant-date's tz over the system tzdb) and RFC 5545
/// recurrence (libical): everything Actodo knows about calendars. No
/// hand-written calendar arithmetic lives anywhere else.
namespace actodo::actors::calendar {

/// A wall-clock date-time without a zone ("floating" in RFC 5545 terms).
struct local_time {
  int year = 1970;
  int month = 1; // 1-12
  int day = 1; // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  /// A calendar date without a time of day (the time fields are 0).
  bool date_only = false;
};

bool operator==(const local_time& x, const local_time& y);
bool operator<(const local_time& x, const local_time& y);

/// `2026-03-29T09:00:00`, or `2026-03-29` when `date_only`.
std::string to_string(const local_time& x);

/// Parses `YYYY-MM-DD` (date_only) or `YYYY-MM-DDTHH:MM[:SS]`; rejects
/// impossible dates and anything else.
std::optional<local_time> parse_local(std::string_view str);

/// True when `name` is an IANA zone of the system tz database
/// (e.g. `Europe/Berlin`, `UTC`).
bool valid_zone(std::string_view name);

/// The wall-clock time at `epoch_ms` in `zone` (seconds resolution).
/// Precondition: `valid_zone(zone)` (else throws `std::invalid_argument`).
local_time to_local(int64_t epoch_ms, std::string_view zone);

/// The instant of the wall-clock time `x` in `zone` (a date_only value
/// means 00:00 of that day). The documented rule, as in RFC 5545 3.3.5:
/// a nonexistent time (in a DST gap) is shifted forward by the length of
/// the gap (02:30 on a spring-forward day with a 1 h gap becomes 03:30);
/// an ambiguous time (fall-back overlap) means its first, earlier instant.
int64_t to_instant(const local_time& x, std::string_view zone);

/// RFC 3339 with the zone's UTC offset at that instant, seconds precision,
/// e.g. `2026-03-29T09:00:00+02:00` (`Z` is never used, `+00:00` instead).
/// Historic offsets with seconds (LMT) are rounded to whole minutes and the
/// local time shown matches the rounded offset.
std::string format_in_zone(int64_t epoch_ms, std::string_view zone);

/// Parses an ISO 8601 duration with an optional sign and only exact units:
/// `[+-]P[nW][nD][T[nH][nM][nS]]` (e.g. `-PT15M`, `P1D`, `PT1H30M`; days are
/// 24 h). At least one component; no years or months; the magnitude is at
/// most 366 days. Designators are upper case only; no fractions. Returns
/// milliseconds.
std::optional<int64_t> parse_duration(std::string_view str);

/// Renders milliseconds (whole seconds) in the form `parse_duration` reads,
/// e.g. `-PT15M`, `P1DT2H`, `PT0S`.
std::string format_duration(int64_t ms);

/// An error in a recurrence rule: `part` names the offending rule part
/// (`FREQ`, `BYSETPOS`, `UNTIL`, ...) or is empty for the rule as a whole.
struct rule_error {
  std::string part;
  std::string message;
};

/// Validates an RRULE value (without the `RRULE:` prefix) as libical parses
/// it and normalizes it (libical's canonical text). Supports `FREQ`,
/// `INTERVAL`, `BYDAY` with ordinals, `BYMONTHDAY`, `BYMONTH`, `BYSETPOS`,
/// `COUNT`, `UNTIL`, `WKST`, and the other RFC 5545 parts libical knows.
/// Rejects `FREQ=SECONDLY` and `MINUTELY` (a todo series that fast is a
/// mistake), `COUNT` with `UNTIL`, `COUNT` above 100,000, and text over
/// 1,000 characters. Also rejects what RFC 5545 forbids but libical's
/// parser lets through (`BYWEEKNO` without `YEARLY`, `BYYEARDAY` with
/// `DAILY`/`WEEKLY`/`MONTHLY`, `BYMONTHDAY` with `WEEKLY`, `BYDAY` ordinals
/// outside `MONTHLY` (1-5) and `YEARLY` (1-53), `BYMONTH` above 12) and
/// RFC 7529's `RSCALE` (Actodo is Gregorian only). A rule that is valid
/// but never matches (`BYMONTH=2;BYMONTHDAY=30`) is accepted.
std::optional<std::string> normalize_rrule(std::string_view rrule,
                                           rule_error& err);

/// The RRULE of a friendly preset for a series starting at `start`:
/// `daily`, `weekdays` (MO-FR), `weekly` (on start's weekday), `monthly`
/// (on start's day of month), `monthly_last_weekday` (the last MO-FR of
/// each month: `BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1`), `yearly`. Empty when
/// `preset` is unknown.
std::optional<std::string> preset_rrule(std::string_view preset,
                                        const local_time& start);

/// Occurrences of the series `rrule` starting at `start` (its first
/// occurrence, RFC 5545 DTSTART, in local wall-clock time), excluding
/// `exdates` (an exdate matches an occurrence on the same date when it is
/// date_only, else on the same date-time), strictly after `after` when
/// given, at most `limit`. `COUNT` and `UNTIL` end the series as RFC 5545
/// says (EXDATEs do not give back counted occurrences). Expansion is
/// bounded: it gives up after `max_steps` iterator steps (a rule such as
/// `FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30` never matches) and never hangs.
/// Precondition: `rrule` came from `normalize_rrule`.
///
/// Precisely, as libical does it: `start` is an occurrence only when the
/// rule matches it (a `weekdays` series starting on a Saturday begins on
/// Monday). Occurrences have `start`'s value type. `UNTIL` is compared with
/// the wall-clock times, ignoring a trailing `Z`; a date `UNTIL` with a
/// date-time `start` includes that whole day. A step is one occurrence
/// looked at (including skipped ones); the search also ends `max_steps`
/// periods of `FREQ` x `INTERVAL` after `start` and after the year 2582.
std::vector<local_time> occurrences(std::string_view rrule,
                                    const local_time& start,
                                    const std::vector<local_time>& exdates,
                                    const std::optional<local_time>& after,
                                    size_t limit, size_t max_steps = 100000);

/// The default work budget of one expansion (`max_steps` of `expand`).
inline constexpr size_t default_budget = 10000;

/// What a bounded expansion found.
struct expansion {
  std::vector<local_time> items;
  /// The budget ran out before `limit` occurrences were found and before
  /// the series ended by itself (its `COUNT` or `UNTIL`, or libical's
  /// horizon): the caller cannot tell whether more occurrences exist.
  bool exhausted = false;
};

/// `occurrences`, telling also whether the budget `max_steps` ran out.
/// A rule that never matches (`FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31`)
/// exhausts any budget. The work is proportional to `max_steps` (at most
/// `max_steps` iterator steps and `max_steps` periods of the rule searched).
expansion expand(std::string_view rrule, const local_time& start,
                 const std::vector<local_time>& exdates,
                 const std::optional<local_time>& after, size_t limit,
                 size_t max_steps);

/// The value of `COUNT` in a normalized rule, or 0 when it has none.
int rule_count(std::string_view rrule);

/// `rrule` without its `COUNT` part (for `from_completion` series, which
/// count their occurrences themselves).
std::string without_count(std::string_view rrule);

} // namespace actodo::actors::calendar
