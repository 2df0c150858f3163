#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace actodo::io::webhooks {

/// Whether an event type is one a webhook asked for. A pattern ending in
/// `.*` matches every type under its prefix (`todo.*` matches
/// `todo.created` and `todo.reminder.due`); `*` matches every type; any
/// other pattern matches itself only.
bool matches(const std::vector<std::string>& patterns, std::string_view type);

/// Why `pattern` is not a valid event pattern (lower-case letters, digits,
/// `_` and `-` in dot-separated words, optionally ending in `.*`, or `*`
/// alone; at most 100 bytes); `std::nullopt` when it is.
std::optional<std::string> pattern_error(std::string_view pattern);

/// The parts of a webhook URL.
struct target_url {
  bool tls = false;
  /// Without brackets for IPv6 literals.
  std::string host;
  std::string port;
  /// Path and query, at least `/`.
  std::string target;
};

/// Parses an absolute `http://` or `https://` URL without user info or
/// fragment, at most 2,048 bytes; the reason when it is not one.
std::optional<target_url> parse_url(std::string_view url, std::string* why);

/// Whether a delivery to `address` (an IPv4 or IPv6 literal) is refused
/// without `--webhooks.allow-private`: loopback, private (RFC 1918, unique
/// local), shared (100.64/10), link-local, multicast, unspecified,
/// reserved and broadcast addresses, also as IPv4-mapped IPv6. Anything
/// that does not parse is refused too.
bool forbidden_address(std::string_view address);

/// At most `max` bytes of `x` as valid UTF-8 without NUL: each invalid
/// byte and NUL becomes U+FFFD, and the cut falls between characters (a
/// receiver's response body, stored and rendered as JSON text).
std::string printable_utf8(std::string_view x, size_t max);

/// The wait before retry number `attempt` (1: the first retry): `initial`
/// doubled per attempt, at most `max`, then scaled by `0.5 + jitter / 2`
/// (`jitter` uniform in [0, 1)), so retries of many webhooks spread out.
std::chrono::milliseconds
retry_delay(int32_t attempt, std::chrono::milliseconds initial,
            std::chrono::milliseconds max, double jitter);

} // namespace actodo::io::webhooks
