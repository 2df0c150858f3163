#define CAF_SUITE store.fence

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using actodo::test::batch;

namespace {

user_batch fenced(user_batch b, int32_t partition, int64_t epoch) {
  b.fence = {partition, epoch};
  return b;
}

std::vector<int64_t> epochs(std::initializer_list<int64_t> xs) {
  return xs;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(fence_tests, test::backend)

CAF_TEST(each claim bumps the epochs of its partitions) {
  CAF_CHECK_EQUAL(store->current_epochs({0, 3}), epochs({0, 0}));
  CAF_CHECK_EQUAL(store->claim_partitions({3, 0}, {}), epochs({1, 1}));
  CAF_CHECK_EQUAL(store->claim_partitions({3}, {}), epochs({2}));
  // A partition named twice is claimed once.
  CAF_CHECK_EQUAL(store->claim_partitions({5, 3, 5}, {}), epochs({1, 3, 1}));
  reopen();
  CAF_CHECK_EQUAL(store->current_epochs({3, 0, 5, 1}), epochs({3, 1, 1, 0}));
}

CAF_TEST(a claim goes above the epoch published for the partition) {
  // A partition map that outlived its store shows epochs this store never
  // gave: the new epoch passes them, whatever the store held.
  CAF_CHECK_EQUAL(store->claim_partitions({4, 1}, {7, 0}), epochs({8, 1}));
  CAF_CHECK_EQUAL(store->claim_partitions({4, 1}, {2, 0}), epochs({9, 2}));
  CAF_CHECK_EQUAL(store->claim_partitions({1}, {2}), epochs({3}));
  // Named twice: once, above the higher of the two.
  CAF_CHECK_EQUAL(store->claim_partitions({6, 6}, {3, 5}), epochs({6, 6}));
  reopen();
  CAF_CHECK_EQUAL(store->current_epochs({4, 1, 6}), epochs({9, 3, 6}));
  // What a stale owner held under the passed epochs is fenced.
  auto err = store->commit({fenced(batch("alice", 1, "t1", "r1"), 4, 7)});
  CAF_CHECK_EQUAL(err, ec::fenced);
  CAF_CHECK(!store->commit({fenced(batch("alice", 1, "t1", "r1"), 4, 9)}));
}

CAF_TEST(a batch commits while the store holds its epoch) {
  CAF_REQUIRE_EQUAL(store->claim_partitions({2}, {}), epochs({1}));
  CAF_REQUIRE(!store->commit({fenced(batch("alice", 1, "t1", "r1"), 2, 1),
                              batch("bob", 1, "t2", "r2")}));
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{1});
  CAF_CHECK_EQUAL(store->last_seq("bob"), int64_t{1});
}

CAF_TEST(a stale epoch fails the whole commit and writes nothing) {
  CAF_REQUIRE_EQUAL(store->claim_partitions({1, 2}, {}), epochs({1, 1}));
  CAF_REQUIRE(!store->commit({fenced(batch("alice", 1, "t1", "r1"), 2, 1)}));
  // Another node claims partition 2: epoch 1 is out.
  CAF_REQUIRE_EQUAL(store->claim_partitions({2}, {}), epochs({2}));
  auto err = store->commit({fenced(batch("carol", 1, "t3", "r3"), 1, 1),
                            fenced(batch("alice", 2, "t4", "r4"), 2, 1),
                            batch("bob", 1, "t5", "r5")});
  CAF_CHECK_EQUAL(err, ec::fenced);
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{1});
  CAF_CHECK_EQUAL(store->last_seq("bob"), int64_t{0});
  CAF_CHECK_EQUAL(store->last_seq("carol"), int64_t{0});
  auto req = store->find_request("alice", "r4");
  CAF_REQUIRE(req);
  CAF_CHECK(!req->has_value());
  // A never-claimed partition fences every epoch, and an epoch from the
  // future as well.
  CAF_CHECK_EQUAL(store->commit({fenced(batch("dave", 1, "t6", "r6"), 4, 0)}),
                  ec::fenced);
  CAF_CHECK_EQUAL(store->commit({fenced(batch("dave", 1, "t6", "r6"), 2, 3)}),
                  ec::fenced);
  // The new epoch commits, and so do the others without the stale batch.
  CAF_CHECK(!store->commit({fenced(batch("alice", 2, "t4", "r4"), 2, 2),
                            fenced(batch("carol", 1, "t3", "r3"), 1, 1),
                            batch("bob", 1, "t5", "r5")}));
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{2});
  CAF_CHECK_EQUAL(store->last_seq("bob"), int64_t{1});
  CAF_CHECK_EQUAL(store->last_seq("carol"), int64_t{1});
}

CAF_TEST_FIXTURE_SCOPE_END()
