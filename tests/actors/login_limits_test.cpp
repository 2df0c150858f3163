#define CAF_SUITE actors.login_limits

#include "caf/test/unit_test.hpp"

#include "actors/auth/budget.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/auth/fair_queue.hpp"
#include "actors/auth/refresh_grace.hpp"
#include "actors/domain/text.hpp"

using namespace actodo::actors;
using namespace std::chrono_literals;

namespace {

using clock = auth::budget::clock;

const std::string key = "0123456789abcdef0123456789abcdef";

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
