#pragma once

#include <string>
#include <string_view>

namespace actodo::actors::auth {

/// Hashes a password with scrypt (OpenSSL; N=2^15, r=8, p=1, 16-byte salt)
/// into `scrypt$N$r$p$<salt>$<hash>` (base64url). Slow on purpose (~0.1 s).
std::string hash_password(std::string_view password);

/// Checks a password against a stored hash in constant time.
bool verify_password(std::string_view password, std::string_view stored);

} // namespace actodo::actors::auth
