// Local date-times, time zones and durations; recurrence lives in
// recurrence.cpp. All calendar arithmetic comes from date.h and tz.h.

#include "actors/calendar/calendar.hpp"

#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <date/tz.h>
#include <stdexcept>
#include <tuple>

namespace actodo::actors::calendar {

namespace {

/// The fields of `x` in their order of significance.
auto fields(const local_time& x) {
  return std::tie(x.year, x.month, x.day, x.hour, x.minute, x.second);
}

/// The zone named `name` or nullptr. Rejects path tricks before asking tz.
const date::time_zone* find_zone(std::string_view name) {
  if (name.empty() || name.front() == '/'
      || name.find("..") != std::string_view::npos)
    return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

const date::time_zone& zone_of(std::string_view name) {
  if (auto res = find_zone(name))
    return *res;
  throw std::invalid_argument("unknown time zone: " + std::string{name});
}

date::local_seconds to_seconds(const local_time& x) {
  date::year_month_day ymd{date::year{x.year},
                           date::month{static_cast<unsigned>(x.month)},
                           date::day{static_cast<unsigned>(x.day)}};
  return date::local_days{ymd} + std::chrono::hours{x.hour}
         + std::chrono::minutes{x.minute} + std::chrono::seconds{x.second};
}

local_time from_seconds(date::local_seconds t) {
  auto day = date::floor<date::days>(t);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count()),
          static_cast<int>(hms.seconds().count()),
          false};
}

date::sys_seconds to_sys(int64_t epoch_ms) {
  return date::floor<std::chrono::seconds>(
    date::sys_time<std::chrono::milliseconds>{
      std::chrono::milliseconds{epoch_ms}});
}

/// Reads exactly `n` digits at `pos` of `str` into `out`.
bool digits(std::string_view str, size_t pos, size_t n, int& out) {
  if (pos + n > str.size())
    return false;
  out = 0;
  for (auto c : str.substr(pos, n)) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

} // namespace

bool operator==(const local_time& x, const local_time& y) {
  return fields(x) == fields(y) && x.date_only == y.date_only;
}

bool operator<(const local_time& x, const local_time& y) {
  // A date sorts before the same date at 00:00:00.
  return std::tie(x.year, x.month, x.day, x.hour, x.minute, x.second,
                  y.date_only)
         < std::tie(y.year, y.month, y.day, y.hour, y.minute, y.second,
                    x.date_only);
}

std::string to_string(const local_time& x) {
  char buf[32];
  if (x.date_only)
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", x.year, x.month, x.day);
  else
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", x.year,
                  x.month, x.day, x.hour, x.minute, x.second);
  return buf;
}

std::optional<local_time> parse_local(std::string_view str) {
  local_time res;
  if (str.size() != 10 && str.size() != 16 && str.size() != 19)
    return std::nullopt;
  if (!digits(str, 0, 4, res.year) || str[4] != '-'
      || !digits(str, 5, 2, res.month) || str[7] != '-'
      || !digits(str, 8, 2, res.day))
    return std::nullopt;
  date::year_month_day ymd{date::year{res.year},
                           date::month{static_cast<unsigned>(res.month)},
                           date::day{static_cast<unsigned>(res.day)}};
  if (!ymd.ok())
    return std::nullopt;
  if (str.size() == 10) {
    res.date_only = true;
    return res;
  }
  if (str[10] != 'T' || !digits(str, 11, 2, res.hour) || str[13] != ':'
      || !digits(str, 14, 2, res.minute))
    return std::nullopt;
  if (str.size() == 19 && (str[16] != ':' || !digits(str, 17, 2, res.second)))
    return std::nullopt;
  if (res.hour > 23 || res.minute > 59 || res.second > 59)
    return std::nullopt;
  return res;
}

bool valid_zone(std::string_view name) {
  return find_zone(name) != nullptr;
}

local_time to_local(int64_t epoch_ms, std::string_view zone) {
  return from_seconds(zone_of(zone).to_local(to_sys(epoch_ms)));
}

int64_t to_instant(const local_time& x, std::string_view zone) {
  auto local = to_seconds(x);
  // For a unique time `first` is its only mapping. In a gap, `first` is the
  // offset before the transition, which moves the time forward by the gap;
  // in an overlap, `first` is the earlier of the two instants.
  auto info = zone_of(zone).get_info(local);
  auto sys = local.time_since_epoch() - info.first.offset;
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys).count();
}

std::string format_in_zone(int64_t epoch_ms, std::string_view zone) {
  auto sys = to_sys(epoch_ms);
  // RFC 3339 offsets have minutes only: historic offsets such as LMT
  // +00:19:32 are rounded, and the local time shown matches that offset.
  auto offset = date::round<std::chrono::minutes>(
    zone_of(zone).get_info(sys).offset);
  auto local = from_seconds(date::local_seconds{sys.time_since_epoch()}
                            + offset);
  auto minutes = offset.count() < 0 ? -offset.count() : offset.count();
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%c%02d:%02d", offset.count() < 0 ? '-' : '+',
                static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return to_string(local) + buf;
}

std::optional<int64_t> parse_duration(std::string_view str) {
  constexpr int64_t max_seconds = 366 * 86400;
  bool negative = false;
  if (!str.empty() && (str.front() == '+' || str.front() == '-')) {
    negative = str.front() == '-';
    str.remove_prefix(1);
  }
  if (str.empty() || str.front() != 'P')
    return std::nullopt;
  str.remove_prefix(1);
  // Designators in their only allowed order with their length in seconds;
  // 'T' separates the date part from the time part.
  static constexpr std::pair<char, int64_t> units[] = {
    {'W', 7 * 86400}, {'D', 86400}, {'T', 0}, {'H', 3600}, {'M', 60}, {'S', 1},
  };
  size_t next = 0;
  bool time_part = false;
  int components = 0;
  int time_components = 0;
  int64_t total = 0;
  while (!str.empty()) {
    if (str.front() == 'T') {
      if (time_part || next > 2)
        return std::nullopt;
      time_part = true;
      next = 3;
      str.remove_prefix(1);
      continue;
    }
    int64_t value = 0;
    size_t len = 0;
    while (len < str.size() && str[len] >= '0' && str[len] <= '9') {
      value = value * 10 + (str[len] - '0');
      if (value > max_seconds)
        return std::nullopt;
      ++len;
    }
    if (len == 0 || len == str.size())
      return std::nullopt;
    auto unit = str[len];
    while (next < std::size(units) && units[next].first != unit)
      ++next;
    if (next == std::size(units) || unit == 'T' || time_part != (next > 2))
      return std::nullopt;
    total += value * units[next].second;
    if (total > max_seconds)
      return std::nullopt;
    ++components;
    time_components += time_part ? 1 : 0;
    ++next;
    str.remove_prefix(len + 1);
  }
  if (components == 0 || (time_part && time_components == 0))
    return std::nullopt;
  return (negative ? -total : total) * 1000;
}

std::string format_duration(int64_t ms) {
  auto seconds = ms / 1000;
  auto magnitude = seconds < 0 ? -static_cast<uint64_t>(seconds)
                               : static_cast<uint64_t>(seconds);
  std::string res = seconds < 0 ? "-P" : "P";
  auto append = [&](uint64_t value, char unit) {
    if (value > 0)
      res += std::to_string(value) + unit;
  };
  append(magnitude / 86400, 'D');
  auto rest = magnitude % 86400;
  if (rest > 0 || magnitude == 0) {
    res += 'T';
    append(rest / 3600, 'H');
    append(rest % 3600 / 60, 'M');
    append(rest % 60, 'S');
    if (magnitude == 0)
      res += "0S";
  }
  return res;
}

} // namespace actodo::actors::calendar
