#define CAF_SUITE actors.auth

#include "caf/test/unit_test.hpp"

#include "actors/auth/crypto.hpp"
#include "actors/auth/jwt.hpp"
#include "actors/auth/password.hpp"
#include "actors/domain/text.hpp"

using namespace actodo::actors::auth;

namespace {

const std::string key = "0123456789abcdef0123456789abcdef";

} // namespace

CAF_TEST(a signed token verifies and carries its claims) {
  claims c{"u_1", 1000, 2000, "j1"};
  auto token = sign_jwt(c, key);
  claims out;
  CAF_REQUIRE(verify_jwt(token, key, 1500, out) == token_error::none);
  CAF_CHECK_EQUAL(out.sub, "u_1");
  CAF_CHECK_EQUAL(out.exp, 2000);
  CAF_CHECK_EQUAL(out.jti, "j1");
}

CAF_TEST(expired tampered or foreign tokens are refused) {
  claims c{"u_1", 1000, 2000, "j1"};
  auto token = sign_jwt(c, key);
  claims out;
  CAF_CHECK(verify_jwt(token, key, 2000, out) == token_error::expired);
  CAF_CHECK(verify_jwt(token, key + "x", 1500, out)
            == token_error::bad_signature);
  // Another subject with the old signature.
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  auto forged = token.substr(0, dot1 + 1)
                + actodo::actors::domain::base64url_encode(
                  R"({"sub":"u_2","iat":1000,"exp":2000,"jti":"j1"})")
                + token.substr(dot2);
  CAF_CHECK(verify_jwt(forged, key, 1500, out) == token_error::bad_signature);
  // alg=none is not accepted.
  auto none = actodo::actors::domain::base64url_encode(R"({"alg":"none"})")
              + token.substr(dot1, dot2 - dot1) + ".";
  CAF_CHECK(verify_jwt(none, key, 1500, out) == token_error::malformed);
  CAF_CHECK(verify_jwt("garbage", key, 1500, out) == token_error::malformed);
  CAF_CHECK(verify_jwt("a.b.c", key, 1500, out) == token_error::malformed);
}

CAF_TEST(passwords verify only against their own hash) {
  auto hash = hash_password("correct horse");
  CAF_CHECK_EQUAL(hash.compare(0, 7, "scrypt$"), 0);
  CAF_CHECK(hash.find("correct horse") == std::string::npos);
  CAF_CHECK(verify_password("correct horse", hash));
  CAF_CHECK(!verify_password("correct horsf", hash));
  // Salted: the same password hashes differently.
  CAF_CHECK_NOT_EQUAL(hash_password("correct horse"), hash);
  CAF_CHECK(!verify_password("correct horse", "scrypt$1$1$1$$"));
  CAF_CHECK(!verify_password("correct horse", "plain"));
}

CAF_TEST(random tokens differ and hashes are stable) {
  CAF_CHECK_NOT_EQUAL(random_token(32), random_token(32));
  CAF_CHECK_EQUAL(
    sha256_hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CAF_CHECK(equal_ct("abc", "abc"));
  CAF_CHECK(!equal_ct("abc", "abd"));
  CAF_CHECK(!equal_ct("abc", "ab"));
}
