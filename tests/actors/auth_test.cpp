#define CAF_SUITE actors.auth

#include "caf/test/unit_test.hpp"

#include "actors/auth/crypto.hpp"
#include "actors/auth/password.hpp"
#include "actors/domain/text.hpp"

using namespace actodo::actors::auth;

namespace {

const std::string key = "0123456789abcdef0123456789abcdef";

} // namespace

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
