#define CAF_SUITE store.accounts

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using outcome = refresh_use::outcome;

CAF_TEST_FIXTURE_SCOPE(account_tests, test::backend)

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

CAF_TEST(a refresh token works once and then reads as reused) {
  CAF_REQUIRE(!accounts->save_refresh("h1", "u1", "f1", 5000));
  auto first = accounts->use_refresh("h1", 1000);
  CAF_REQUIRE(first);
  CAF_CHECK(first->result == outcome::fresh);
  CAF_CHECK_EQUAL(first->user_id, "u1");
  CAF_CHECK_EQUAL(first->family, "f1");
  auto again = accounts->use_refresh("h1", 2000);
  CAF_REQUIRE(again);
  CAF_CHECK(again->result == outcome::reused);
  CAF_CHECK_EQUAL(again->used_ms, 1000);
  auto unknown = accounts->use_refresh("nope", 1000);
  CAF_REQUIRE(unknown);
  CAF_CHECK(unknown->result == outcome::unknown);
  CAF_REQUIRE(!accounts->save_refresh("h2", "u1", "f1", 1500));
  auto late = accounts->use_refresh("h2", 1500);
  CAF_REQUIRE(late);
  CAF_CHECK(late->result == outcome::expired);
}

CAF_TEST(families are revoked together and expired tokens pruned) {
  CAF_REQUIRE(!accounts->save_refresh("h1", "u1", "f1", 5000));
  CAF_REQUIRE(!accounts->save_refresh("h2", "u1", "f1", 6000));
  CAF_REQUIRE(!accounts->save_refresh("h3", "u2", "f2", 1000));
  CAF_CHECK_EQUAL(accounts->count_refresh(), int64_t{3});
  CAF_CHECK_EQUAL(accounts->revoke_family("f1"), int64_t{2});
  CAF_CHECK_EQUAL(accounts->prune_refresh(1000), int64_t{1});
  CAF_CHECK_EQUAL(accounts->count_refresh(), int64_t{0});
}

CAF_TEST(a transaction takes effect on commit and not on rollback) {
  CAF_REQUIRE(!accounts->begin());
  CAF_REQUIRE(!accounts->save_refresh("h1", "u1", "f1", 5000));
  accounts->rollback();
  CAF_CHECK_EQUAL(accounts->count_refresh(), int64_t{0});
  CAF_REQUIRE(!accounts->begin());
  CAF_REQUIRE(!accounts->save_refresh("h1", "u1", "f1", 5000));
  CAF_REQUIRE(!accounts->commit());
  reopen();
  CAF_CHECK_EQUAL(accounts->count_refresh(), int64_t{1});
}

CAF_TEST_FIXTURE_SCOPE_END()
