#define CAF_SUITE actors.seq_cache

#include "caf/test/dsl.hpp"

#include "actors/seq_cache.hpp"

using actodo::actors::seq_cache;

CAF_TEST(a lookup keeps a user through the next ageing) {
  seq_cache cache{4}; // Generations of two users.
  cache.set("a", 1);
  cache.set("b", 2);
  cache.age(); // a and b are old now.
  CAF_CHECK_EQUAL(cache.size(), 2u);
  cache.set("c", 3);
  CAF_REQUIRE(cache.find("a") != nullptr); // a is young again.
  CAF_CHECK_EQUAL(*cache.find("a"), 1);
  cache.age(); // Drops b; a and c are old.
  CAF_CHECK(cache.find("b") == nullptr);
  CAF_CHECK_EQUAL(cache.size(), 2u);
  CAF_REQUIRE(cache.find("c") != nullptr);
  CAF_CHECK_EQUAL(*cache.find("c"), 3);
}

CAF_TEST(ageing waits until the young generation is full) {
  seq_cache cache{4};
  cache.set("a", 1);
  cache.age();
  cache.age();
  CAF_CHECK_EQUAL(cache.size(), 1u);
  CAF_CHECK(cache.find("a") != nullptr);
}

CAF_TEST(a value changed through find stays changed after ageing) {
  seq_cache cache{2};
  cache.set("a", 1);
  *cache.find("a") = 7;
  cache.age();
  CAF_REQUIRE(cache.find("a") != nullptr);
  CAF_CHECK_EQUAL(*cache.find("a"), 7);
  cache.set("a", 9); // Replaces, in either generation.
  CAF_CHECK_EQUAL(*cache.find("a"), 9);
  CAF_CHECK_EQUAL(cache.size(), 1u);
}

CAF_TEST(set replaces an old entry rather than adding one) {
  seq_cache cache{4};
  cache.set("a", 1);
  cache.set("b", 2);
  cache.age(); // a and b are old.
  cache.set("a", 5);
  CAF_CHECK_EQUAL(cache.size(), 2u);
  cache.set("c", 3);
  cache.age(); // a and c are old, b is gone.
  CAF_CHECK(!cache.contains("b"));
  CAF_REQUIRE(cache.contains("a"));
  CAF_CHECK_EQUAL(*cache.find("a"), 5);
}

CAF_TEST(erase forgets a user in either generation) {
  seq_cache cache{4};
  cache.set("a", 1);
  cache.set("b", 2);
  cache.age();
  cache.set("c", 3);
  cache.erase("a");
  cache.erase("c");
  CAF_CHECK(cache.find("a") == nullptr);
  CAF_CHECK(cache.find("c") == nullptr);
  CAF_CHECK_EQUAL(cache.size(), 1u);
}
