#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace actodo::actors::auth {

/// The claims Actodo puts into an access token.
struct claims {
  /// User id.
  std::string sub;
  /// Issued at and expiry, seconds since the epoch.
  int64_t iat = 0;
  int64_t exp = 0;
  /// Unique token id.
  std::string jti;
};

/// Signs `c` as a compact JWS with HS256 (RFC 7519).
std::string sign_jwt(const claims& c, std::string_view secret);

enum class token_error { none, malformed, bad_signature, expired };

/// Verifies signature (HS256 only; any other `alg` is refused) and expiry
/// against `now` (seconds since the epoch); fills `out` on success.
token_error verify_jwt(std::string_view token, std::string_view secret,
                       int64_t now, claims& out);

} // namespace actodo::actors::auth
