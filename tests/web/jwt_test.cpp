#define CAF_SUITE web.jwt

#include "caf/test/unit_test.hpp"

#include "actors/auth/crypto.hpp"
#include "actors/domain/text.hpp"
#include "web/jwt.hpp"

using actodo::actors::access_claims;
using actodo::actors::domain::base64url_encode;
using namespace actodo::web;

namespace {

const std::string key = "0123456789abcdef0123456789abcdef";

/// A token with the given raw payload, signed with `key`.
std::string signed_with_payload(const std::string& payload) {
  auto input = base64url_encode(R"({"alg":"HS256"})") + "."
               + base64url_encode(payload);
  return input + "."
         + base64url_encode(actodo::actors::auth::hmac_sha256(key, input));
}

} // namespace

CAF_TEST(a signed token verifies and carries its claims) {
  access_claims c{"u_1", 1000, 2000, "j1"};
  auto token = sign_jwt(c, key);
  CAF_CHECK_EQUAL(sign_jwt(c, key), token);
  access_claims out;
  CAF_REQUIRE(verify_jwt(token, key, 1500, out) == token_error::none);
  CAF_CHECK_EQUAL(out.sub, "u_1");
  CAF_CHECK_EQUAL(out.iat, 1000);
  CAF_CHECK_EQUAL(out.exp, 2000);
  CAF_CHECK_EQUAL(out.jti, "j1");
}

CAF_TEST(expired tampered or foreign tokens are refused) {
  access_claims c{"u_1", 1000, 2000, "j1"};
  auto token = sign_jwt(c, key);
  access_claims out;
  CAF_CHECK(verify_jwt(token, key, 2000, out) == token_error::expired);
  CAF_CHECK(verify_jwt(token, key + "x", 1500, out)
            == token_error::bad_signature);
  // Another subject with the old signature.
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  auto forged = token.substr(0, dot1 + 1)
                + base64url_encode(
                  R"({"sub":"u_2","iat":1000,"exp":2000,"jti":"j1"})")
                + token.substr(dot2);
  CAF_CHECK(verify_jwt(forged, key, 1500, out) == token_error::bad_signature);
  // alg=none is not accepted.
  auto none = base64url_encode(R"({"alg":"none"})")
              + token.substr(dot1, dot2 - dot1) + ".";
  CAF_CHECK(verify_jwt(none, key, 1500, out) == token_error::malformed);
  CAF_CHECK(verify_jwt("garbage", key, 1500, out) == token_error::malformed);
  CAF_CHECK(verify_jwt("a.b.c", key, 1500, out) == token_error::malformed);
}

CAF_TEST(token times beyond year 9999 or negative are malformed) {
  access_claims out;
  // exp * 1000 would overflow int64 (and 2^64-1 would wrap to -1).
  for (auto exp : {"9223372036854775807", "18446744073709551615",
                   "9223372036854776", "253402300800", "-1"}) {
    auto token = signed_with_payload(std::string{R"({"sub":"u","iat":1,"exp":)"}
                                     + exp + "}");
    CAF_CHECK(verify_jwt(token, key, 1000, out) == token_error::malformed);
  }
  auto ok = signed_with_payload(R"({"sub":"u","iat":1,"exp":253402300799})");
  CAF_CHECK(verify_jwt(ok, key, 1000, out) == token_error::none);
  CAF_CHECK_EQUAL(out.exp, 253402300799);
}
