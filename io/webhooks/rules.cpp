#include "io/webhooks/rules.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>

namespace actodo::io::webhooks {

bool matches(const std::vector<std::string>& patterns, std::string_view type) {
  for (auto& p : patterns) {
    if (p == "*" || p == type)
      return true;
    if (p.size() >= 2 && p.compare(p.size() - 2, 2, ".*") == 0) {
      auto prefix = std::string_view{p}.substr(0, p.size() - 1); // "todo."
      if (type.substr(0, prefix.size()) == prefix
          && type.size() > prefix.size())
        return true;
    }
  }
  return false;
}

std::optional<std::string> pattern_error(std::string_view pattern) {
  if (pattern == "*")
    return std::nullopt;
  if (pattern.empty() || pattern.size() > 100)
    return "must be 1 to 100 bytes";
  auto words = pattern;
  if (words.size() >= 2 && words.substr(words.size() - 2) == ".*")
    words.remove_suffix(2);
  auto word_start = true;
  for (auto c : words) {
    if (c == '.') {
      if (word_start)
        return "must be dot-separated words, optionally ending in .*";
      word_start = true;
      continue;
    }
    auto ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
              || c == '-';
    if (!ok)
      return "may hold lower-case letters, digits, _, - and . (or end in .*)";
    word_start = false;
  }
  if (word_start)
    return "must be dot-separated words, optionally ending in .*";
  return std::nullopt;
}

std::optional<target_url> parse_url(std::string_view url, std::string* why) {
  auto fail = [why](const char* reason) -> std::optional<target_url> {
    if (why != nullptr)
      *why = reason;
    return std::nullopt;
  };
  if (url.size() > 2048)
    return fail("must be at most 2048 bytes");
  for (auto c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return fail("must not contain spaces or control characters");
  target_url out;
  if (url.substr(0, 7) == "http://") {
    url.remove_prefix(7);
    out.port = "80";
  } else if (url.substr(0, 8) == "https://") {
    url.remove_prefix(8);
    out.tls = true;
    out.port = "443";
  } else {
    return fail("must be an http:// or https:// URL");
  }
  if (url.find('#') != std::string_view::npos)
    return fail("must not have a fragment");
  auto end = url.find_first_of("/?");
  auto authority = url.substr(0, end);
  out.target = end == std::string_view::npos ? "/"
                                             : std::string{url.substr(end)};
  if (out.target.front() == '?')
    out.target.insert(out.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return fail("must not carry user info");
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return fail("has an unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return fail("has junk after the IPv6 literal");
      port = rest.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos)
      port = authority.substr(colon + 1);
  }
  if (host.empty() || host.size() > 253)
    return fail("must name a host");
  for (auto c : host) {
    auto ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-'
              || c == '.' || c == ':' || c == '_';
    if (!ok)
      return fail("has a character not allowed in a host name");
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return c >= '0' && c <= '9';
        }))
      return fail("has an invalid port");
    auto n = std::stoi(std::string{port});
    if (n < 1 || n > 65535)
      return fail("has an invalid port");
    out.port = std::string{port};
  }
  out.host = std::string{host};
  return out;
}

namespace {

bool forbidden_v4(const unsigned char* b) {
  auto in = [b](unsigned a0, unsigned a1, int bits, unsigned a2 = 0) {
    uint32_t x = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16)
                 | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    uint32_t net = (a0 << 24) | (a1 << 16) | (a2 << 8);
    uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (x & mask) == (net & mask);
  };
  return in(0, 0, 8) // "this network", unspecified
         || in(10, 0, 8) // private
         || in(100, 64, 10) // shared address space (carrier NAT)
         || in(127, 0, 8) // loopback
         || in(169, 254, 16) // link-local (cloud metadata services)
         || in(172, 16, 12) // private
         || in(192, 0, 24) // IETF protocol assignments (192.0.0/24)
         || in(192, 168, 16) // private
         || in(198, 18, 15) // benchmarking
         || in(192, 0, 24, 2) || in(198, 51, 24, 100) // documentation
         || in(203, 0, 24, 113) // documentation (TEST-NET-3)
         || in(224, 0, 4) // multicast
         || in(240, 0, 4); // reserved, broadcast
}

bool forbidden_v6(const unsigned char* b) {
  static constexpr unsigned char zero[16] = {};
  static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                               0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1))
    return true; // :: and ::1
  if (std::memcmp(b, mapped, 12) == 0 || std::memcmp(b, zero, 12) == 0)
    return forbidden_v4(b + 12); // IPv4-mapped and -compatible
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
    return (b[4] == 0 && b[5] == 1) // local-use NAT64 64:ff9b:1::/48
           || forbidden_v4(b + 12); // NAT64 64:ff9b::/96
  if (b[0] == 0x20 && b[1] == 0x02)
    return forbidden_v4(b + 2); // 6to4 2002::/16 embeds an IPv4 address
  return (b[0] & 0xfe) == 0xfc // unique local fc00::/7
         || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) // link-local fe80::/10
         || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // site-local fec0::/10
         || b[0] == 0xff; // multicast
}

} // namespace

bool forbidden_address(std::string_view address) {
  std::string text{address};
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1)
    return forbidden_v4(buf);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1)
    return forbidden_v6(buf);
  return true;
}

std::string printable_utf8(std::string_view x, size_t max) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  size_t i = 0;
  while (i < x.size()) {
    auto c = static_cast<unsigned char>(x[i]);
    size_t n = c < 0x80         ? 1
               : (c >> 5) == 6  ? 2
               : (c >> 4) == 14 ? 3
               : (c >> 3) == 30 ? 4
                                : 0;
    auto valid = n > 0 && i + n <= x.size() && c != 0;
    for (size_t k = 1; valid && k < n; ++k)
      valid = (static_cast<unsigned char>(x[i + k]) & 0xC0) == 0x80;
    if (valid && n > 1) {
      // No overlong forms, surrogates or code points past U+10FFFF.
      uint32_t cp = c & (0x7Fu >> n);
      for (size_t k = 1; k < n; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(x[i + k]) & 0x3Fu);
      static constexpr uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= least[n] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    }
    auto piece = valid ? x.substr(i, n) : replacement;
    if (out.size() + piece.size() > max)
      break;
    out += piece;
    i += valid ? n : 1;
  }
  return out;
}

std::chrono::milliseconds
retry_delay(int32_t attempt, std::chrono::milliseconds initial,
            std::chrono::milliseconds max, double jitter) {
  auto delay = initial.count();
  for (int32_t i = 1; i < attempt && delay < max.count(); ++i)
    delay *= 2;
  delay = std::min(delay, static_cast<int64_t>(max.count()));
  jitter = std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds{
    static_cast<int64_t>(static_cast<double>(delay) * (0.5 + jitter / 2))};
}

} // namespace actodo::io::webhooks
