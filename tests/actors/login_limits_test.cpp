#define CAF_SUITE actors.login_limits

#include "caf/test/unit_test.hpp"

#include "actors/auth/budget.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/auth/fair_queue.hpp"
#include "actors/auth/jwt.hpp"
#include "actors/auth/refresh_grace.hpp"
#include "actors/domain/text.hpp"

using namespace actodo::actors;
using namespace std::chrono_literals;

namespace {

using clock = auth::budget::clock;

const std::string key = "0123456789abcdef0123456789abcdef";

/// A token with the given raw payload, signed with `key`.
std::string signed_with_payload(const std::string& payload) {
  auto input = actodo::actors::domain::base64url_encode(R"({"alg":"HS256"})")
               + "." + actodo::actors::domain::base64url_encode(payload);
  return input + "."
         + actodo::actors::domain::base64url_encode(
           auth::hmac_sha256(key, input));
}

} // namespace

CAF_TEST(a budget refuses after limit failures until the window ends) {
  auth::budget b{3, 60s};
  auto t0 = clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) {
    CAF_CHECK_EQUAL(b.retry_after("alice", t0), 0);
    b.start("alice", t0);
    b.finish("alice", true);
  }
  CAF_CHECK_EQUAL(b.retry_after("alice", t0), 61);
  CAF_CHECK_EQUAL(b.retry_after("alice", t0 + 30s), 31);
  // Other keys are not affected.
  CAF_CHECK_EQUAL(b.retry_after("bob", t0), 0);
  // A new window.
  CAF_CHECK_EQUAL(b.retry_after("alice", t0 + 60s), 0);
}

CAF_TEST(running attempts count so a burst cannot slip through) {
  auth::budget b{2, 60s};
  auto t0 = clock::time_point{} + 1000s;
  b.start("alice", t0);
  b.start("alice", t0);
  CAF_CHECK_EQUAL(b.retry_after("alice", t0), 1);
  // Successes are forgotten, failures kept.
  b.finish("alice", false);
  CAF_CHECK_EQUAL(b.retry_after("alice", t0), 0);
  b.finish("alice", true);
  b.start("alice", t0);
  b.finish("alice", true);
  CAF_CHECK_EQUAL(b.retry_after("alice", t0), 61);
  b.clear("alice");
  CAF_CHECK_EQUAL(b.retry_after("alice", t0), 0);
}

CAF_TEST(a budget of zero is off and the key table stays bounded) {
  auth::budget off{0, 60s};
  auto t0 = clock::time_point{} + 1000s;
  for (int i = 0; i < 100; ++i) {
    off.start("alice", t0);
    off.finish("alice", true);
  }
  CAF_CHECK_EQUAL(off.retry_after("alice", t0), 0);
  auth::budget b{1, 60s, 10};
  for (int i = 0; i < 100; ++i) {
    auto k = "k" + std::to_string(i);
    b.start(k, t0);
    b.finish(k, true);
  }
  CAF_CHECK_LESS_OR_EQUAL(b.size(), 10u);
  // The newest key is still limited.
  CAF_CHECK_GREATER(b.retry_after("k99", t0), 0);
}

CAF_TEST(the hash queue takes turns between usernames) {
  auth::fair_queue<int> q;
  for (int i = 0; i < 100; ++i)
    q.push("alice", i);
  q.push("carol", 1000);
  q.push("alice", 100);
  q.push("dave", 2000);
  CAF_CHECK_EQUAL(q.size(), 103u);
  // alice's flood delays carol and dave by one item at most.
  CAF_CHECK_EQUAL(q.pop(), 0);
  CAF_CHECK_EQUAL(q.pop(), 1000);
  CAF_CHECK_EQUAL(q.pop(), 2000);
  // Then alice's items in order.
  for (int i = 1; i <= 100; ++i)
    CAF_CHECK_EQUAL(q.pop(), i);
  CAF_CHECK(q.empty());
}

CAF_TEST(the grace cache returns the same answer until it ends) {
  auth::refresh_grace g;
  token_pair r;
  r.refresh_token = "pair-1";
  g.remember("h1", "fam", r, 1000);
  r.refresh_token = "pair-2";
  g.remember("h2", "other", r, 2000);
  CAF_REQUIRE(g.find("h1", 999) != nullptr);
  CAF_CHECK_EQUAL(g.find("h1", 999)->refresh_token, "pair-1");
  CAF_CHECK(g.find("h1", 1000) == nullptr);
  CAF_CHECK_EQUAL(g.size(), 1u);
  g.forget_family("other");
  CAF_CHECK(g.find("h2", 1500) == nullptr);
  CAF_CHECK_EQUAL(g.size(), 0u);
  // Bounded: beyond the cap nothing more is remembered.
  auth::refresh_grace small{2};
  for (auto k : {"a", "b", "c"})
    small.remember(k, "f", r, 1000);
  CAF_CHECK_EQUAL(small.size(), 2u);
  CAF_CHECK(small.find("c", 0) == nullptr);
}

CAF_TEST(token times beyond year 9999 or negative are malformed) {
  auth::claims out;
  // exp * 1000 would overflow int64 (and 2^64-1 would wrap to -1).
  for (auto exp : {"9223372036854775807", "18446744073709551615",
                   "9223372036854776", "253402300800", "-1"}) {
    auto token = signed_with_payload(std::string{R"({"sub":"u","iat":1,"exp":)"}
                                     + exp + "}");
    CAF_CHECK(auth::verify_jwt(token, key, 1000, out)
              == auth::token_error::malformed);
  }
  auto ok = signed_with_payload(R"({"sub":"u","iat":1,"exp":253402300799})");
  CAF_CHECK(auth::verify_jwt(ok, key, 1000, out) == auth::token_error::none);
  CAF_CHECK_EQUAL(out.exp, 253402300799);
}
