#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/calendar/calendar.hpp"

/// The pieces of `parse_quick_add` (quick_add.cpp), private to it: the
/// tokens and the matchers of dates, times (quick_add_dates.cpp) and
/// recurrences (quick_add_recurrence.cpp). A matcher looks at the tokens
/// from `i` on and tells how many of them its phrase takes (0 = no match).
namespace actodo::actors::domain::quick_add_parts {

/// One white-space separated token of the text.
struct token {
  /// As written.
  std::string raw;
  /// `raw` without trailing punctuation (`,.;:!?`), unless that is all.
  std::string core;
  /// `core` with ASCII letters in lower case: what the grammar compares.
  std::string word;
  /// Code-point offsets: start, end of `core`, end of `raw`.
  size_t begin = 0;
  size_t core_end = 0;
  size_t end = 0;

  /// The punctuation after `core`.
  std::string_view suffix() const {
    return std::string_view{raw}.substr(core.size());
  }

  /// True when nothing follows `core`: only such tokens may stand inside
  /// a phrase (but `,` in lists).
  bool plain() const {
    return core.size() == raw.size();
  }
};

using tokens = std::vector<token>;

/// Splits UTF-8 text at white space (what `is_blank` counts as such).
tokens tokenize(std::string_view text);

/// The digits of `word` as a number when it is 1 to `max_digits` ASCII
/// digits and nothing else.
std::optional<int> number(std::string_view word, size_t max_digits);

/// 1-31 for `24` or `24th` (with the suffix English wants), else 0.
int day_number(std::string_view word);

/// 1 (Monday) to 7 (Sunday) for a weekday's name or abbreviation, else 0.
/// `sun`, `sat` and `wed` are English words too: they count only when
/// `loose` (after `on`, `next`, `every`).
int weekday_number(std::string_view word, bool loose);

/// `MO` ... `SU` for 1 ... 7.
const char* weekday_code(int iso_weekday);

/// 1-7 of a date (date_only local time).
int iso_weekday(const calendar::local_time& day);

/// `day` plus `n` days.
calendar::local_time add_days(const calendar::local_time& day, int n);

/// A phrase found: how many tokens it takes and what it means.
template<class T>
struct found {
  size_t length = 0;
  T value;
};

/// A date phrase at `i` (with its optional leading `on`), resolved against
/// `today` (a date in the zone of the todo).
std::optional<found<calendar::local_time>>
match_date(const tokens& xs, size_t i, const calendar::local_time& today);

/// A time of day.
struct clock_time {
  int hour = 0;
  int minute = 0;
};

/// A time phrase at `i` (with its optional leading `at`).
std::optional<found<clock_time>> match_time(const tokens& xs, size_t i);

/// `#word`: the tag as written (letters, digits, `_`, `-`, `/` and any
/// non-ASCII character), else empty.
std::string match_tag(const token& x);

/// `!low`, `!medium`, `!high`, `!urgent`, `p4` ... `p1`: the priority's
/// wire name, else empty.
std::string match_priority(const token& x);

/// `remind me 15 min before` (also `1 hour`, `2 days`, `an hour`, `15m`):
/// the reminder's offset (`-PT15M`).
std::optional<found<std::string>> match_reminder(const tokens& xs, size_t i);

/// A recurrence as said; the parts left empty come from the anchor date.
struct rule_parts {
  /// `DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`.
  std::string freq;
  int interval = 1;
  /// `MO,TH` or `-1FR`; empty = the anchor's weekday (weekly).
  std::string byday;
  /// `15`, `-1`; empty = the anchor's day (monthly, yearly).
  std::string bymonthday;
};

/// A recurrence phrase at `i`.
std::optional<found<rule_parts>> match_recurrence(const tokens& xs, size_t i);

/// The RRULE text of `x` for a series anchored at `anchor`, normalized by
/// `calendar::normalize_rrule`; empty if libical refuses it.
std::string rule_text(const rule_parts& x, const calendar::local_time& anchor);

} // namespace actodo::actors::domain::quick_add_parts
