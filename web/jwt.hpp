#pragma once

// Access tokens are an edge encoding: the accounts actor issues typed
// `access_claims`, and the web layer signs them as a JWT when it answers a
// login or refresh, and verifies them on every authenticated request.

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/account_messages.hpp"

namespace actodo::web {

/// Signs `c` as a compact JWS with HS256 (RFC 7519). Deterministic: the same
/// claims and key give the same token.
std::string sign_jwt(const actors::access_claims& c, std::string_view secret);

enum class token_error { none, malformed, bad_signature, expired };

/// Verifies signature (HS256 only; any other `alg` is refused) and expiry
/// against `now` (seconds since the epoch); fills `out` on success.
token_error verify_jwt(std::string_view token, std::string_view secret,
                       int64_t now, actors::access_claims& out);

} // namespace actodo::web
