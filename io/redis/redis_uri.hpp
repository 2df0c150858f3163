#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/expected.hpp"

namespace actodo::io::redis {

/// Where a Redis server is and how to log in, from a `redis://` URI.
struct redis_endpoint {
  std::string host;
  uint16_t port = 6379;
  int db = 0;
  /// The ACL user (Redis 6+); empty: the default user.
  std::string user;
  /// Empty: no AUTH. Never logged, never part of an error.
  std::string password;
  /// The URI without the password, for logs and errors:
  /// `redis://[user@]host:port/db`.
  std::string display;
};

/// Parses `redis://[[user]:password@]host[:port][/db]` (an IPv6 host in
/// brackets: `redis://[::1]:6379`; user and password may be
/// percent-encoded). A failure is `ec::invalid_field` naming
/// `cluster.redis`, with a detail that never contains the password.
caf::expected<redis_endpoint> parse_redis_uri(const std::string& text);

/// The AUTH command for `endpoint` (`AUTH [user] password`); empty when
/// it has no password.
std::vector<std::string> auth_command(const redis_endpoint& endpoint);

} // namespace actodo::io::redis
