#include "io/redis/redis_uri.hpp"

#include <algorithm>
#include <cctype>

#include "config/error.hpp"

namespace actodo::io::redis {

namespace {

constexpr const char* form = "redis://[[user]:password@]host[:port][/db]";

caf::error bad(std::string detail) {
  return make_field_error(ec::invalid_field, "cluster.redis",
                          std::move(detail));
}

bool all_of(const std::string& text, int (*pred)(int)) {
  return std::all_of(text.begin(), text.end(),
                     [pred](unsigned char c) { return pred(c) != 0; });
}

int host_char(int c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_';
}

int ipv6_char(int c) {
  return std::isxdigit(c) || c == ':' || c == '.';
}

int digit_char(int c) {
  return std::isdigit(c);
}

int scheme_char(int c) {
  return std::isalnum(c) || c == '+' || c == '-' || c == '.';
}

/// Decodes `%XX` escapes into `out`; false on a malformed escape.
bool percent_decode(const std::string& in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    auto hex = [&in](size_t at) {
      return at < in.size()
             && std::isxdigit(static_cast<unsigned char>(in[at])) != 0;
    };
    if (!hex(i + 1) || !hex(i + 2))
      return false;
    out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return true;
}

/// Splits `user:password` off the URI (before its last `@`).
caf::error parse_credentials(const std::string& info, redis_endpoint& ep) {
  auto colon = info.find(':');
  if (colon == std::string::npos)
    return bad(std::string{"the credentials before '@' must have the form "}
               + "[user]:password (" + form + ")");
  if (!percent_decode(info.substr(0, colon), ep.user))
    return bad("bad percent-encoding in the user name");
  if (!percent_decode(info.substr(colon + 1), ep.password))
    return bad("bad percent-encoding in the password");
  if (ep.password.empty())
    return bad("the password is empty (leave out '[user]:@' for none)");
  return caf::none;
}

/// Parses `host[:port]` or `[v6]:port` into `ep`.
caf::error parse_authority(const std::string& authority, redis_endpoint& ep,
                           bool& ipv6) {
  std::string port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos)
      return bad("the IPv6 host lacks its closing ']'");
    ep.host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return bad("unexpected text after the IPv6 host: '" + rest + "'");
    has_port = !rest.empty();
    port = has_port ? rest.substr(1) : "";
    ipv6 = true;
    if (ep.host.empty())
      return bad("the host is empty");
    if (!all_of(ep.host, ipv6_char) || ep.host.find(':') == std::string::npos)
      return bad("bad IPv6 host '" + ep.host + "'");
  } else {
    if (std::count(authority.begin(), authority.end(), ':') > 1)
      return bad("an IPv6 host must be in brackets, as in "
                 "redis://[::1]:6379");
    auto colon = authority.find(':');
    ep.host = authority.substr(0, colon);
    has_port = colon != std::string::npos;
    port = has_port ? authority.substr(colon + 1) : "";
    if (ep.host.empty())
      return bad("the host is empty");
    if (!all_of(ep.host, host_char))
      return bad("bad host '" + ep.host + "'");
  }
  if (has_port) {
    auto value = port.empty() || port.size() > 5 || !all_of(port, digit_char)
                   ? 0
                   : std::stoi(port);
    if (value < 1 || value > 65535)
      return bad("bad port '" + port + "' (must be 1-65535)");
    ep.port = static_cast<uint16_t>(value);
  }
  return caf::none;
}

} // namespace

caf::expected<redis_endpoint> parse_redis_uri(const std::string& text) {
  auto sep = text.find("://");
  if (sep == std::string::npos)
    return bad(std::string{"the Redis URI must have the form "} + form);
  auto scheme = text.substr(0, sep);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (scheme == "rediss")
    return bad("TLS (rediss://) is not supported; use redis://");
  if (scheme != "redis") {
    // Only a plausible scheme is quoted: never a misplaced password.
    auto quoted = scheme.size() <= 16 && all_of(scheme, scheme_char);
    return bad("the Redis URI must start with redis://"
               + (quoted ? ", not " + scheme + "://" : std::string{}));
  }
  redis_endpoint ep;
  auto rest = text.substr(sep + 3);
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    if (auto err = parse_credentials(rest.substr(0, at), ep))
      return err;
    rest = rest.substr(at + 1);
  }
  auto slash = rest.find('/');
  bool ipv6 = false;
  if (auto err = parse_authority(rest.substr(0, slash), ep, ipv6))
    return err;
  auto db = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!db.empty()) {
    if (db.size() > 9 || !all_of(db, digit_char))
      return bad("bad db '" + db + "' (must be a number, 0 or more)");
    ep.db = std::stoi(db);
  }
  ep.display = "redis://" + (ep.user.empty() ? "" : ep.user + "@")
               + (ipv6 ? "[" + ep.host + "]" : ep.host) + ":"
               + std::to_string(ep.port) + "/" + std::to_string(ep.db);
  return ep;
}

std::vector<std::string> auth_command(const redis_endpoint& endpoint) {
  if (endpoint.password.empty())
    return {};
  if (endpoint.user.empty())
    return {"AUTH", endpoint.password};
  return {"AUTH", endpoint.user, endpoint.password};
}

} // namespace actodo::io::redis
