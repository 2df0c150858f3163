#define CAF_SUITE store.accounts

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using outcome = refresh_use::outcome;

namespace {

struct fixture : test::backend {
  outcome use(const std::string& hash, int64_t now) {
    auto result = accounts->use_refresh(hash, now);
    if (!result)
      CAF_FAIL("use_refresh failed: " << describe(result.error()));
    return result->result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(account_tests, fixture)

CAF_TEST(users are found by name and id and names are unique) {
  CAF_REQUIRE(!accounts->create_user({"u1", "alice", "hash", 1000}));
  CAF_CHECK_EQUAL(accounts->create_user({"u2", "alice", "other", 2000}),
                  ec::conflict);
  reopen();
  auto by_name = accounts->find_by_name("alice");
  CAF_REQUIRE(by_name);
  CAF_REQUIRE(by_name->has_value());
  CAF_CHECK_EQUAL((*by_name)->id, "u1");
  CAF_CHECK_EQUAL((*by_name)->password_hash, "hash");
  CAF_CHECK_EQUAL((*by_name)->created_ms, 1000);
  auto by_id = accounts->find_by_id("u1");
  CAF_REQUIRE(by_id);
  CAF_REQUIRE(by_id->has_value());
  CAF_CHECK_EQUAL((*by_id)->username, "alice");
  auto nobody = accounts->find_by_name("Alice");
  CAF_REQUIRE(nobody);
  CAF_CHECK(!nobody->has_value());
}

CAF_TEST(a refresh token is fresh once then reused) {
  CAF_REQUIRE(!accounts->save_refresh("h1", "u1", "f1", 2000));
  auto first = accounts->use_refresh("h1", 1000);
  CAF_REQUIRE(first);
  CAF_CHECK(first->result == outcome::fresh);
  CAF_CHECK_EQUAL(first->user_id, "u1");
  CAF_CHECK_EQUAL(first->family, "f1");
  auto second = accounts->use_refresh("h1", 1001);
  CAF_REQUIRE(second);
  CAF_CHECK(second->result == outcome::reused);
  CAF_CHECK_EQUAL(second->used_ms, 1000);
  CAF_CHECK(use("nope", 1000) == outcome::unknown);
  CAF_REQUIRE(!accounts->save_refresh("h2", "u1", "f1", 2000));
  CAF_CHECK(use("h2", 2000) == outcome::expired);
}

CAF_TEST(a rolled back refresh leaves the old token usable) {
  CAF_REQUIRE(!accounts->save_refresh("h1", "u1", "f1", 5000));
  // The refresh that marked h1 used could not store its new token.
  CAF_REQUIRE(!accounts->begin());
  CAF_CHECK(use("h1", 1000) == outcome::fresh);
  accounts->rollback();
  // The client's retry is not a replay: h1 is still fresh.
  CAF_REQUIRE(!accounts->begin());
  CAF_CHECK(use("h1", 1001) == outcome::fresh);
  CAF_REQUIRE(!accounts->save_refresh("h2", "u1", "f1", 5000));
  CAF_REQUIRE(!accounts->commit());
  reopen();
  CAF_CHECK(use("h1", 1002) == outcome::reused);
  CAF_CHECK(use("h2", 1002) == outcome::fresh);
}

CAF_TEST(revoking a family leaves other families) {
  CAF_REQUIRE(!accounts->save_refresh("a1", "u1", "fa", 5000));
  CAF_REQUIRE(!accounts->save_refresh("a2", "u1", "fa", 5000));
  CAF_REQUIRE(!accounts->save_refresh("b1", "u1", "fb", 5000));
  CAF_CHECK_EQUAL(accounts->revoke_family("fa"), int64_t{2});
  CAF_CHECK(use("a2", 1000) == outcome::unknown);
  CAF_CHECK(use("b1", 1000) == outcome::fresh);
}

CAF_TEST(expired tokens are pruned) {
  CAF_REQUIRE(!accounts->save_refresh("old", "u1", "f1", 1000));
  CAF_REQUIRE(!accounts->save_refresh("new", "u1", "f2", 3000));
  CAF_CHECK_EQUAL(accounts->prune_refresh(2000), int64_t{1});
  CAF_CHECK_EQUAL(accounts->count_refresh(), int64_t{1});
}

CAF_TEST_FIXTURE_SCOPE_END()
