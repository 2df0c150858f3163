#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actodo::io::webhooks {

/// Standard base64 (RFC 4648 section 4, with padding).
std::string base64(std::string_view bytes);

/// Decodes standard base64; `std::nullopt` when `text` is not base64.
std::optional<std::string> unbase64(std::string_view text);

/// A new signing secret in the Standard Webhooks form: `whsec_` followed by
/// the base64 of 32 random bytes (OpenSSL's CSPRNG).
std::string make_secret();

/// The key of a `whsec_...` secret (the decoded bytes); `std::nullopt`
/// when the secret is malformed.
std::optional<std::string> secret_key(std::string_view secret);

/// The `webhook-signature` header of one delivery (Standard Webhooks):
/// `v1,` + base64 of HMAC-SHA256 over `msg_id.timestamp.body` under `key`.
std::string sign(std::string_view key, std::string_view msg_id,
                 int64_t timestamp, std::string_view body);

} // namespace actodo::io::webhooks
