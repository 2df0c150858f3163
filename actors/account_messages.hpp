#pragma once

// What the `accounts` actor answers, typed. Refusals travel as `caf::error`
// with the project's codes (config/error.hpp); web/auth_routes.cpp encodes
// both for HTTP.

#include <cstdint>
#include <string>

#include "caf/meta/type_name.hpp"

namespace actodo::actors {

/// An account as a registration and `me` answer it.
struct account_info {
  std::string id;
  /// Lower case.
  std::string username;
  /// When it was registered (ms since the epoch).
  int64_t created_ms = 0;
};

/// What an access token asserts. The web layer signs it as a JWT (HS256)
/// at the edge (web/jwt.hpp); actors never see the encoded token.
struct access_claims {
  /// User id.
  std::string sub;
  /// Issued at and expiry, seconds since the epoch.
  int64_t iat = 0;
  int64_t exp = 0;
  /// Unique token id.
  std::string jti;
};

inline bool operator==(const access_claims& x, const access_claims& y) {
  return x.sub == y.sub && x.iat == y.iat && x.exp == y.exp && x.jti == y.jti;
}

/// The tokens a login or a refresh issues.
struct token_pair {
  /// The access token's claims, signed by the edge that answers.
  access_claims access;
  /// Lifetime of the access token in seconds.
  int64_t expires_in = 0;
  /// Opaque; trades for the next pair once.
  std::string refresh_token;
};

/// The answer to a logout: the refresh token's family is revoked (or the
/// token was unknown, which ends the same way).
struct logged_out {};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_info& x) {
  return f(caf::meta::type_name("account_info"), x.id, x.username,
           x.created_ms);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, access_claims& x) {
  return f(caf::meta::type_name("access_claims"), x.sub, x.iat, x.exp, x.jti);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_pair& x) {
  return f(caf::meta::type_name("token_pair"), x.access, x.expires_in,
           x.refresh_token);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, logged_out&) {
  return f(caf::meta::type_name("logged_out"));
}

} // namespace actodo::actors
