#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace actodo::actors::auth {

/// `n` bytes from OpenSSL's CSPRNG, base64url-encoded.
std::string random_token(size_t n);

/// Raw random bytes from OpenSSL's CSPRNG.
std::string random_bytes(size_t n);

/// SHA-256 of `data`, hex-encoded (for storing refresh tokens).
std::string sha256_hex(std::string_view data);

/// HMAC-SHA-256 of `data` under `key`, raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Constant-time equality of two byte strings.
bool equal_ct(std::string_view x, std::string_view y);

} // namespace actodo::actors::auth
