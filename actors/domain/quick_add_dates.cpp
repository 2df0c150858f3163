// Dates and times of quick add: `tomorrow`, `next friday`, `dec 24`,
// `24/12/2027`, `at 5:30pm`, ... (docs/quick-add.md).

#include <array>
#include <date/date.h>
#include <string>
#include <string_view>

#include "actors/domain/quick_add_parts.hpp"

namespace actodo::actors::domain::quick_add_parts {

namespace {

using calendar::local_time;

date::year_month_day ymd_of(const local_time& x) {
  return date::year{x.year} / x.month / x.day;
}

local_time from_ymd(const date::year_month_day& x) {
  local_time res;
  res.year = static_cast<int>(x.year());
  res.month = static_cast<int>(static_cast<unsigned>(x.month()));
  res.day = static_cast<int>(static_cast<unsigned>(x.day()));
  res.date_only = true;
  return res;
}

/// 1-12 for a month's name or abbreviation, else 0.
int month_number(std::string_view word) {
  static constexpr std::array<const char*, 12> names = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
  for (size_t i = 0; i < names.size(); ++i) {
    std::string_view name{names[i]};
    if (word == name || (word.size() == 3 && name.substr(0, 3) == word))
      return static_cast<int>(i + 1);
  }
  return word == "sept" ? 9 : 0;
}

/// Day `d` of month `m`: in `year` when given (if it exists), else the
/// first such day on or after `today` (`feb 29` waits for a leap year).
std::optional<local_time> month_day(int m, int d, std::optional<int> year,
                                    const local_time& today) {
  if (year) {
    date::year_month_day x = date::year{*year} / m / d;
    return x.ok() ? std::optional<local_time>{from_ymd(x)} : std::nullopt;
  }
  for (int y = today.year; y <= today.year + 8; ++y) {
    date::year_month_day x = date::year{y} / m / d;
    if (x.ok() && !(from_ymd(x) < today))
      return from_ymd(x);
  }
  return std::nullopt;
}

/// `dec 24`, `december 24th`, `24 dec`, `24th of december`, each with an
/// optional year (`dec 24 2027`, `dec 24, 2027`).
std::optional<found<local_time>> match_month_day(const tokens& xs, size_t i,
                                                 const local_time& today) {
  int m = 0;
  int d = 0;
  size_t n = 0;
  auto at = [&](size_t k) -> const token* {
    return i + k < xs.size() ? &xs[i + k] : nullptr;
  };
  if (at(1) && xs[i].plain() && (m = month_number(xs[i].word)) != 0
      && (d = day_number(at(1)->word)) != 0) {
    n = 2;
  } else if (at(1) && xs[i].plain() && (d = day_number(xs[i].word)) != 0) {
    size_t k = at(1)->word == "of" && at(1)->plain() && at(2) ? 2 : 1;
    if ((m = month_number(at(k)->word)) != 0)
      n = k + 1;
  }
  if (n == 0)
    return std::nullopt;
  std::optional<int> year;
  auto& last = xs[i + n - 1];
  if (at(n) && (last.plain() || last.suffix() == ",")) {
    year = number(at(n)->word, 4);
    if (year && *year >= 1970)
      ++n;
    else
      year = std::nullopt;
  }
  if (auto x = month_day(m, d, year, today))
    return found<local_time>{n, *x};
  return std::nullopt;
}

/// `24/12`, `24/12/2027` (day first) and `2026-12-24`.
std::optional<local_time> numeric_date(std::string_view word,
                                       const local_time& today) {
  if (word.size() == 10 && word[4] == '-') {
    auto x = calendar::parse_local(word);
    return x && x->date_only ? x : std::nullopt;
  }
  auto slash = word.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  auto d = number(word.substr(0, slash), 2);
  auto rest = word.substr(slash + 1);
  auto slash2 = rest.find('/');
  auto m = number(rest.substr(0, slash2), 2);
  std::optional<int> year;
  if (slash2 != std::string_view::npos) {
    year = number(rest.substr(slash2 + 1), 4);
    if (!year || *year < 1970)
      return std::nullopt;
  }
  if (!d || !m || *m < 1 || *m > 12)
    return std::nullopt;
  return month_day(*m, *d, year, today);
}

/// A date phrase without its `on`.
std::optional<found<local_time>> match_bare_date(const tokens& xs, size_t i,
                                                 const local_time& today,
                                                 bool loose) {
  auto& w = xs[i].word;
  auto next = i + 1 < xs.size() && xs[i].plain() ? &xs[i + 1] : nullptr;
  if (w == "today")
    return found<local_time>{1, today};
  if (w == "tomorrow")
    return found<local_time>{1, add_days(today, 1)};
  if (auto wd = weekday_number(w, loose)) {
    auto ahead = (wd - iso_weekday(today) + 7) % 7;
    return found<local_time>{1, add_days(today, ahead)};
  }
  if (w == "next" && next) {
    // Strictly after today: on a Friday, `next friday` is in 7 days.
    auto wd = next->word == "week" ? 1 : weekday_number(next->word, true);
    if (wd != 0) {
      auto ahead = (wd - iso_weekday(today) + 6) % 7 + 1;
      return found<local_time>{2, add_days(today, ahead)};
    }
  }
  if (w == "in" && next && i + 2 < xs.size() && next->plain()) {
    auto n = next->word == "a" ? std::optional<int>{1} : number(next->word, 3);
    auto& unit = xs[i + 2].word;
    auto days = unit == "day" || unit == "days"     ? 1
                : unit == "week" || unit == "weeks" ? 7
                                                    : 0;
    if (n && days != 0 && (next->word != "a" || unit.back() != 's'))
      return found<local_time>{3, add_days(today, *n * days)};
  }
  if (auto x = match_month_day(xs, i, today))
    return x;
  if (auto x = numeric_date(w, today))
    return found<local_time>{1, *x};
  return std::nullopt;
}

/// `5pm`, `5:30pm`, `12am` (an hour 1-12 with `am`/`pm`); empty `ampm`
/// means 24-hour `17:00` (two-digit minutes required).
std::optional<clock_time> clock(std::string_view digits,
                                std::string_view ampm) {
  auto colon = digits.find(':');
  auto h = number(digits.substr(0, colon), 2);
  std::optional<int> m = 0;
  if (colon != std::string_view::npos) {
    auto mm = digits.substr(colon + 1);
    m = mm.size() == 2 ? number(mm, 2) : std::nullopt;
  } else if (ampm.empty()) {
    return std::nullopt; // a bare number is not a time
  }
  if (!h || !m || *m > 59)
    return std::nullopt;
  if (ampm.empty())
    return *h <= 23 ? std::optional<clock_time>{clock_time{*h, *m}}
                    : std::nullopt;
  if (*h < 1 || *h > 12 || (ampm != "am" && ampm != "pm"))
    return std::nullopt;
  return clock_time{*h % 12 + (ampm == "pm" ? 12 : 0), *m};
}

} // namespace

std::optional<int> number(std::string_view word, size_t max_digits) {
  if (word.empty() || word.size() > max_digits)
    return std::nullopt;
  int res = 0;
  for (auto c : word) {
    if (c < '0' || c > '9')
      return std::nullopt;
    res = res * 10 + (c - '0');
  }
  return res;
}

int day_number(std::string_view word) {
  if (auto n = number(word, 2))
    return *n >= 1 && *n <= 31 ? *n : 0;
  if (word.size() < 3)
    return 0;
  auto n = number(word.substr(0, word.size() - 2), 2);
  if (!n || *n < 1 || *n > 31)
    return 0;
  auto suffix = word.substr(word.size() - 2);
  auto teen = *n % 100 >= 11 && *n % 100 <= 13;
  auto last = *n % 10;
  const char* want = teen || last == 0 || last > 3 ? "th"
                     : last == 1                   ? "st"
                     : last == 2                   ? "nd"
                                                   : "rd";
  return suffix == want ? *n : 0;
}

int weekday_number(std::string_view word, bool loose) {
  static constexpr std::array<const char*, 7> names = {"monday",    "tuesday",
                                                       "wednesday", "thursday",
                                                       "friday",    "saturday",
                                                       "sunday"};
  for (size_t i = 0; i < names.size(); ++i) {
    std::string_view name{names[i]};
    auto abbreviated = word.size() == 3 && name.substr(0, 3) == word;
    if (word == name || (abbreviated && (loose || (i != 2 && i < 5))))
      return static_cast<int>(i + 1);
  }
  if (word == "tues")
    return 2;
  if (word == "thur" || word == "thurs")
    return 4;
  return 0;
}

const char* weekday_code(int iso_weekday) {
  static constexpr std::array<const char*, 7> codes = {"MO", "TU", "WE", "TH",
                                                       "FR", "SA", "SU"};
  return codes.at(static_cast<size_t>(iso_weekday - 1));
}

int iso_weekday(const local_time& day) {
  return static_cast<int>(
    date::weekday{date::sys_days{ymd_of(day)}}.iso_encoding());
}

local_time add_days(const local_time& day, int n) {
  return from_ymd(date::sys_days{ymd_of(day)} + date::days{n});
}

std::optional<found<local_time>> match_date(const tokens& xs, size_t i,
                                            const local_time& today) {
  if (xs[i].word == "on" && xs[i].plain() && i + 1 < xs.size()) {
    if (auto x = match_bare_date(xs, i + 1, today, true))
      return found<local_time>{x->length + 1, x->value};
    return std::nullopt;
  }
  return match_bare_date(xs, i, today, false);
}

std::optional<found<clock_time>> match_time(const tokens& xs, size_t i) {
  size_t skip = 0;
  if (xs[i].word == "at" && xs[i].plain() && i + 1 < xs.size())
    skip = 1;
  auto& w = xs[i + skip].word;
  if (skip == 1 && (w == "noon" || w == "midnight"))
    return found<clock_time>{2, clock_time{w == "noon" ? 12 : 0, 0}};
  auto split = w.find_first_not_of("0123456789:");
  if (split != std::string::npos && split > 0) {
    if (auto x = clock(std::string_view{w}.substr(0, split),
                       std::string_view{w}.substr(split)))
      return found<clock_time>{skip + 1, *x};
    return std::nullopt;
  }
  if (split == std::string::npos) {
    auto next = i + skip + 1;
    if (next < xs.size() && xs[i + skip].plain())
      if (auto x = clock(w, xs[next].word))
        return found<clock_time>{skip + 2, *x};
    if (auto x = clock(w, ""))
      return found<clock_time>{skip + 1, *x};
  }
  return std::nullopt;
}

} // namespace actodo::actors::domain::quick_add_parts
