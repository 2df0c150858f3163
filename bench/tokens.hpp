#pragma once

#include <string>
#include <vector>

#include "bench/options.hpp"

namespace actodo::bench {

/// An HS256 access token as the server issues them (`sub`, `iat`, `exp` an
/// hour later, `jti`), signed with `secret` (bench/seeded.py does the same).
std::string sign_access_token(const std::string& secret,
                              const std::string& sub);

/// `n` users `bench-u00001`... with tokens signed by `secret`.
std::vector<user> token_users(int n, const std::string& secret);

/// A random 32-byte key as 64 hex digits.
std::string random_secret();

} // namespace actodo::bench
