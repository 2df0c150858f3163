#include "actors/domain/time.hpp"

#include <chrono>
#include <date/date.h>

namespace actodo::actors::domain {

namespace {

/// Reads exactly `n` decimal digits at `pos` into `out`.
bool read_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  int result = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    auto c = s[i];
    if (c < '0' || c > '9')
      return false;
    result = result * 10 + (c - '0');
  }
  out = result;
  return true;
}

/// Parses `YYYY-MM-DD` at the start of `s` into days since the epoch.
std::optional<date::sys_days> parse_date(std::string_view s) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (s.size() < 10 || !read_digits(s, 0, 4, y) || s[4] != '-'
      || !read_digits(s, 5, 2, m) || s[7] != '-' || !read_digits(s, 8, 2, d))
    return std::nullopt;
  auto ymd = date::year{y} / date::month{static_cast<unsigned>(m)}
             / date::day{static_cast<unsigned>(d)};
  if (!ymd.ok())
    return std::nullopt;
  return date::sys_days{ymd};
}

} // namespace

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

std::string format_rfc3339_ms(int64_t epoch_ms) {
  std::string result;
  append_rfc3339_ms(result, epoch_ms);
  return result;
}

void append_rfc3339_ms(std::string& out, int64_t epoch_ms) {
  using std::chrono::milliseconds;
  date::sys_time<milliseconds> tp{milliseconds{epoch_ms}};
  auto day = date::floor<date::days>(tp);
  date::year_month_day ymd{day};
  auto year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    out += date::format("%FT%TZ", tp);
    return;
  }
  auto ms = (tp - day).count(); // 0 <= ms < 86,400,000
  char text[] = "0000-00-00T00:00:00.000Z";
  auto put = [&text](size_t pos, int64_t value, size_t width) {
    for (size_t i = width; i > 0; --i, value /= 10)
      text[pos + i - 1] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, ms / 3600000, 2);
  put(14, ms / 60000 % 60, 2);
  put(17, ms / 1000 % 60, 2);
  put(20, ms % 1000, 3);
  out.append(text, sizeof(text) - 1);
}

std::optional<int64_t> parse_rfc3339(std::string_view s, bool allow_date_only) {
  auto day = parse_date(s);
  if (!day)
    return std::nullopt;
  int64_t result = std::chrono::duration_cast<std::chrono::milliseconds>(
                     day->time_since_epoch())
                     .count();
  if (s.size() == 10) {
    if (allow_date_only)
      return result;
    return std::nullopt;
  }
  // Time part: Thh:mm:ss
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't')
      || !read_digits(s, 11, 2, hh) || s[13] != ':'
      || !read_digits(s, 14, 2, mm) || s[16] != ':'
      || !read_digits(s, 17, 2, ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59)
    return std::nullopt;
  result += ((hh * 60 + mm) * 60 + ss) * int64_t{1000};
  size_t pos = 19;
  // Optional fraction.
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t first = pos;
    int ms = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - first < 3)
        ms = ms * 10 + (s[pos] - '0');
      ++pos;
    }
    auto n = pos - first;
    if (n == 0)
      return std::nullopt;
    for (; n < 3; ++n)
      ms *= 10;
    result += ms;
  }
  // Mandatory offset.
  if (pos >= s.size())
    return std::nullopt;
  if (s[pos] == 'Z' || s[pos] == 'z')
    return pos + 1 == s.size() ? std::optional<int64_t>{result} : std::nullopt;
  if (s[pos] != '+' && s[pos] != '-')
    return std::nullopt;
  int oh = 0;
  int om = 0;
  if (s.size() != pos + 6 || !read_digits(s, pos + 1, 2, oh)
      || s[pos + 3] != ':' || !read_digits(s, pos + 4, 2, om))
    return std::nullopt;
  if (oh > 23 || om > 59)
    return std::nullopt;
  int64_t offset = (oh * 60 + om) * int64_t{60000};
  // Local time = UTC + offset, hence UTC = local - offset.
  return s[pos] == '+' ? result - offset : result + offset;
}

} // namespace actodo::actors::domain
