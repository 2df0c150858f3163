// Recurrences of quick add: `daily`, `every 2 weeks on mon and thu`,
// `every month on the 1st`, `every last friday`, ... (docs/quick-add.md).

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "actors/domain/quick_add_parts.hpp"

namespace actodo::actors::domain::quick_add_parts {

namespace {

/// The frequency a unit (`day`, `weeks`, ...) stands for, else empty.
std::string unit_freq(std::string_view word) {
  if (!word.empty() && word.back() == 's')
    word.remove_suffix(1);
  return word == "day"     ? "DAILY"
         : word == "week"  ? "WEEKLY"
         : word == "month" ? "MONTHLY"
         : word == "year"  ? "YEARLY"
                           : "";
}

/// The weekdays of one token (`mon`, `mon,wed`), else empty.
std::set<int> weekdays_of(std::string_view word) {
  std::set<int> res;
  for (size_t pos = 0;;) {
    auto comma = word.find(',', pos);
    auto day = weekday_number(word.substr(pos, comma - pos), true);
    if (day == 0)
      return {};
    res.insert(day);
    if (comma == std::string_view::npos)
      return res;
    pos = comma + 1;
  }
}

/// `monday`, `mon, wed and fri`, `mon,wed`: sets `byday` (`MO,WE,FR`) and
/// returns the number of tokens taken.
size_t weekday_list(const tokens& xs, size_t j, std::string& byday) {
  auto days = j < xs.size() ? weekdays_of(xs[j].word) : std::set<int>{};
  if (days.empty())
    return 0;
  auto k = j + 1;
  while (k < xs.size()) {
    auto comma = xs[k - 1].suffix() == ",";
    if (!comma && !xs[k - 1].plain())
      break;
    auto m = k;
    if (xs[m].word == "and" && xs[m].plain() && m + 1 < xs.size())
      ++m;
    auto more = weekdays_of(xs[m].word);
    if ((!comma && m == k) || more.empty())
      break;
    days.insert(more.begin(), more.end());
    k = m + 1;
  }
  byday.clear();
  for (auto day : days)
    byday += (byday.empty() ? "" : ",") + std::string{weekday_code(day)};
  return k - j;
}

/// 1-5 for `first` ... `fifth` or `1st` ... `5th`, -1 for `last`, else 0.
int weekday_ordinal(std::string_view word) {
  static constexpr const char* words[] = {"first", "second", "third", "fourth",
                                          "fifth"};
  for (int i = 0; i < 5; ++i)
    if (word == words[i])
      return i + 1;
  if (word == "last")
    return -1;
  auto n = number(word, 2) ? 0 : day_number(word);
  return n <= 5 ? n : 0;
}

/// `first monday`, `last friday`, `15th`, `last day`, each with an optional
/// `of the month`: sets `byday` or `bymonthday` of a monthly rule.
size_t monthly_spec(const tokens& xs, size_t j, rule_parts& out) {
  if (j >= xs.size())
    return 0;
  size_t n = 0;
  auto& w = xs[j].word;
  auto next = j + 1 < xs.size() && xs[j].plain() ? &xs[j + 1] : nullptr;
  auto ord = weekday_ordinal(w);
  int day = 0;
  if (ord != 0 && next && (day = weekday_number(next->word, true)) != 0) {
    out.byday = std::to_string(ord) + weekday_code(day);
    n = 2;
  } else if (w == "last" && next && next->word == "day") {
    out.bymonthday = "-1";
    n = 2;
  } else if (!number(w, 2) && (day = day_number(w)) != 0) {
    out.bymonthday = std::to_string(day);
    n = 1;
  } else {
    return 0;
  }
  auto k = j + n;
  if (k + 2 < xs.size() && xs[k - 1].plain() && xs[k].word == "of"
      && xs[k].plain() && xs[k + 1].word == "the" && xs[k + 1].plain()
      && xs[k + 2].word == "month")
    n += 3;
  return n;
}

/// What follows `every`.
size_t every_body(const tokens& xs, size_t j, rule_parts& out) {
  auto& w = xs[j].word;
  if (w == "weekday" || w == "weekdays" || w == "weekend" || w == "weekends") {
    out.freq = "WEEKLY";
    out.byday = w[4] == 'd' ? "MO,TU,WE,TH,FR" : "SA,SU";
    return 1;
  }
  size_t n = 0;
  auto next = j + 1 < xs.size() && xs[j].plain() ? &xs[j + 1] : nullptr;
  if (!unit_freq(w).empty() && w.back() != 's') {
    out.freq = unit_freq(w);
    n = 1;
  } else if (auto count = w == "other" ? std::optional<int>{2} : number(w, 3);
             count && *count > 0 && next && !unit_freq(next->word).empty()) {
    out.freq = unit_freq(next->word);
    out.interval = *count;
    n = 2;
  } else if (auto k = weekday_list(xs, j, out.byday)) {
    out.freq = "WEEKLY";
    return k;
  } else if (auto k = monthly_spec(xs, j, out)) {
    out.freq = "MONTHLY";
    return k;
  } else {
    return 0;
  }
  // `every week on mon and thu`, `every month on the 1st`.
  auto k = j + n;
  if (k + 1 >= xs.size() || !xs[k - 1].plain() || xs[k].word != "on"
      || !xs[k].plain())
    return n;
  if (out.freq == "WEEKLY")
    if (auto m = weekday_list(xs, k + 1, out.byday))
      return n + 1 + m;
  if (out.freq == "MONTHLY") {
    auto the = xs[k + 1].word == "the" && xs[k + 1].plain() ? 1u : 0u;
    if (auto m = monthly_spec(xs, k + 1 + the, out))
      return n + 1 + the + m;
  }
  return n;
}

} // namespace

std::optional<found<rule_parts>> match_recurrence(const tokens& xs, size_t i) {
  rule_parts res;
  auto& w = xs[i].word;
  res.freq = w == "daily"                       ? "DAILY"
             : w == "weekly"                    ? "WEEKLY"
             : w == "monthly"                   ? "MONTHLY"
             : w == "yearly" || w == "annually" ? "YEARLY"
                                                : "";
  if (!res.freq.empty())
    return found<rule_parts>{1, res};
  if (w != "every" || !xs[i].plain() || i + 1 >= xs.size())
    return std::nullopt;
  if (auto n = every_body(xs, i + 1, res))
    return found<rule_parts>{n + 1, res};
  return std::nullopt;
}

std::string rule_text(const rule_parts& x, const calendar::local_time& anchor) {
  auto res = "FREQ=" + x.freq;
  if (x.interval > 1)
    res += ";INTERVAL=" + std::to_string(x.interval);
  auto day = x.bymonthday.empty() ? std::to_string(anchor.day) : x.bymonthday;
  if (x.freq == "WEEKLY")
    res += ";BYDAY="
           + (x.byday.empty() ? weekday_code(iso_weekday(anchor)) : x.byday);
  else if (x.freq == "MONTHLY" && !x.byday.empty())
    res += ";BYDAY=" + x.byday;
  else if (x.freq == "MONTHLY")
    res += ";BYMONTHDAY=" + day;
  else if (x.freq == "YEARLY")
    res += ";BYMONTH=" + std::to_string(anchor.month) + ";BYMONTHDAY=" + day;
  calendar::rule_error err;
  return calendar::normalize_rrule(res, err).value_or("");
}

} // namespace actodo::actors::domain::quick_add_parts
