#include "web/jwt.hpp"

#include <nlohmann/json.hpp>

#include "actors/auth/crypto.hpp"
#include "actors/domain/text.hpp"

namespace actodo::web {

namespace domain = actors::domain;

namespace {

const std::string header = domain::base64url_encode(
  R"({"alg":"HS256","typ":"JWT"})");

/// Latest instant a token may name: 9999-12-31T23:59:59Z. Keeps `exp * 1000`
/// (milliseconds) and `exp - now` far from overflowing.
constexpr int64_t max_time = 253402300799;

/// A NumericDate within [0, max_time].
bool valid_time(const nlohmann::json& x) {
  if (x.is_number_unsigned())
    return x.get<uint64_t>() <= static_cast<uint64_t>(max_time);
  if (!x.is_number_integer())
    return false;
  auto v = x.get<int64_t>();
  return v >= 0 && v <= max_time;
}

} // namespace

std::string sign_jwt(const actors::access_claims& c, std::string_view secret) {
  nlohmann::json payload{
    {"sub", c.sub}, {"iat", c.iat}, {"exp", c.exp}, {"jti", c.jti}};
  auto input = header + "." + domain::base64url_encode(payload.dump());
  return input + "."
         + domain::base64url_encode(actors::auth::hmac_sha256(secret, input));
}

token_error verify_jwt(std::string_view token, std::string_view secret,
                       int64_t now, actors::access_claims& out) {
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.size() > 4096)
    return token_error::malformed;
  std::string head;
  std::string body;
  std::string sig;
  if (!domain::base64url_decode(token.substr(0, dot1), head)
      || !domain::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1),
                                   body)
      || !domain::base64url_decode(token.substr(dot2 + 1), sig))
    return token_error::malformed;
  auto h = nlohmann::json::parse(head, nullptr, false);
  if (!h.is_object() || h.value("alg", "") != "HS256")
    return token_error::malformed;
  auto expected = actors::auth::hmac_sha256(secret, token.substr(0, dot2));
  if (!actors::auth::equal_ct(sig, expected))
    return token_error::bad_signature;
  auto p = nlohmann::json::parse(body, nullptr, false);
  if (!p.is_object() || !p["sub"].is_string() || !valid_time(p["exp"])
      || !valid_time(p["iat"]))
    return token_error::malformed;
  out.sub = p["sub"].get<std::string>();
  out.exp = p["exp"].get<int64_t>();
  out.iat = p["iat"].get<int64_t>();
  out.jti = p.value("jti", "");
  if (out.exp <= now)
    return token_error::expired;
  return token_error::none;
}

} // namespace actodo::web
