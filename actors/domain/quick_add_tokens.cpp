// The tokens of quick add and the one-token parts: tags, priorities, and
// the reminder phrase (docs/quick-add.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/quick_add_parts.hpp"
#include "actors/domain/text.hpp"

namespace actodo::actors::domain::quick_add_parts {

namespace {

/// The length in bytes of the UTF-8 sequence that `lead` starts.
size_t sequence_length(unsigned char lead) {
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

bool is_punctuation(char c) {
  return std::string_view{",.;:!?"}.find(c) != std::string_view::npos;
}

token make_token(std::string_view raw, size_t begin) {
  token res;
  res.raw = std::string{raw};
  auto core_size = raw.size();
  while (core_size > 1 && is_punctuation(raw[core_size - 1]))
    --core_size;
  if (core_size == 1 && is_punctuation(raw[0]))
    core_size = raw.size(); // only punctuation: all core
  res.core = res.raw.substr(0, core_size);
  res.word = ascii_lower(res.core);
  res.begin = begin;
  res.end = begin + count_code_points(raw);
  res.core_end = res.end - (raw.size() - core_size);
  return res;
}

/// The length of a time unit (`min`, `hours`, `d`, ...) in seconds, else 0.
int64_t unit_seconds(std::string_view word) {
  if (word == "m" || word == "min" || word == "mins" || word == "minute"
      || word == "minutes")
    return 60;
  if (word == "h" || word == "hr" || word == "hrs" || word == "hour"
      || word == "hours")
    return 3600;
  if (word == "d" || word == "day" || word == "days")
    return 86400;
  if (word == "w" || word == "week" || word == "weeks")
    return 604800;
  return 0;
}

} // namespace

tokens tokenize(std::string_view text) {
  tokens res;
  size_t cp = 0;
  size_t start = std::string_view::npos;
  size_t start_cp = 0;
  for (size_t pos = 0; pos < text.size(); ++cp) {
    auto at = pos;
    pos += sequence_length(static_cast<unsigned char>(text[at]));
    auto space = is_blank(text.substr(at, pos - at));
    if (space && start != std::string_view::npos) {
      res.push_back(make_token(text.substr(start, at - start), start_cp));
      start = std::string_view::npos;
    } else if (!space && start == std::string_view::npos) {
      start = at;
      start_cp = cp;
    }
  }
  if (start != std::string_view::npos)
    res.push_back(make_token(text.substr(start), start_cp));
  return res;
}

std::string match_tag(const token& x) {
  if (x.core.size() < 2 || x.core[0] != '#')
    return {};
  for (auto c : std::string_view{x.core}.substr(1)) {
    auto u = static_cast<unsigned char>(c);
    auto ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '/'
              || u >= 0x80;
    if (!ok)
      return {};
  }
  return x.core.substr(1);
}

std::string match_priority(const token& x) {
  auto& w = x.word;
  if (w == "!urgent" || w == "p1")
    return "urgent";
  if (w == "!high" || w == "p2")
    return "high";
  if (w == "!medium" || w == "p3")
    return "medium";
  if (w == "!low" || w == "p4")
    return "low";
  return {};
}

std::optional<found<std::string>> match_reminder(const tokens& xs, size_t i) {
  if (i + 3 >= xs.size() || xs[i].word != "remind" || !xs[i].plain()
      || xs[i + 1].word != "me" || !xs[i + 1].plain() || !xs[i + 2].plain())
    return std::nullopt;
  // `15 min` or `15min`, then `before`.
  auto& w = xs[i + 2].word;
  auto digits = w.find_first_not_of("0123456789");
  auto amount = w == "a" || w == "an" ? std::optional<int>{1}
                                      : number(w.substr(0, digits), 3);
  size_t n = 3;
  int64_t unit = 0;
  if (digits != std::string::npos && digits > 0) {
    unit = unit_seconds(std::string_view{w}.substr(digits));
  } else if (xs[i + 3].plain() && i + 4 < xs.size()) {
    unit = unit_seconds(xs[i + 3].word);
    ++n;
  }
  if (!amount || unit == 0 || xs[i + n].word != "before")
    return std::nullopt;
  auto offset = calendar::format_duration(-*amount * unit * 1000);
  if (!calendar::parse_duration(offset))
    return std::nullopt; // over 366 days
  return found<std::string>{n + 1, offset};
}

} // namespace actodo::actors::domain::quick_add_parts
