#define CAF_SUITE store.outbox

#include <chrono>

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using actodo::test::batch;

namespace {

int64_t an_hour_from_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
           .count()
         + 3600 * 1000;
}

std::vector<int64_t> seqs(store& s, const std::string& user) {
  auto events = s.read_events(user, 0, 100);
  if (!events)
    return {-1};
  std::vector<int64_t> result;
  for (auto& ev : *events)
    result.push_back(ev.seq);
  return result;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(outbox_tests, test::backend)

CAF_TEST(a store without the outbox answers from an empty outbox) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  auto entries = store->read_outbox(0, 10);
  CAF_REQUIRE(entries);
  CAF_CHECK(entries->empty());
  CAF_CHECK_EQUAL(store->outbox_backlog(), int64_t{0});
  CAF_CHECK_EQUAL(store->published_position(), int64_t{0});
  CAF_CHECK(!store->publish_position(3));
  CAF_CHECK_EQUAL(store->published_position(), int64_t{3});
}

CAF_TEST(a store with the outbox records every committed event in order) {
  reopen(true);
  CAF_REQUIRE(!store->commit(
    {batch("alice", 1, "t1", "r1"), batch("bob", 1, "t2", "r2")}));
  CAF_REQUIRE(!store->commit({batch("alice", 2, "t3", "r3")}));
  auto entries = store->read_outbox(0, 10);
  CAF_REQUIRE(entries);
  CAF_REQUIRE_EQUAL(entries->size(), 3u);
  CAF_CHECK_EQUAL(entries->at(1).user_id, "bob");
  CAF_CHECK_EQUAL(entries->at(2).seq, 2);
  CAF_CHECK_EQUAL(entries->at(2).json, "{\"seq\":2}");
  CAF_CHECK(entries->at(0).id < entries->at(1).id);
  CAF_CHECK_EQUAL(store->outbox_backlog(), int64_t{3});
  CAF_CHECK(!store->publish_position(entries->at(0).id));
  CAF_CHECK_EQUAL(store->outbox_backlog(), int64_t{2});
  CAF_CHECK_EQUAL(store->published_position(), entries->at(0).id);
  reopen(true);
  auto rest = store->read_outbox(entries->at(0).id, 10);
  CAF_REQUIRE(rest);
  CAF_CHECK_EQUAL(rest->size(), 2u);
}

CAF_TEST(pruning keeps the last event of each user and what the outbox holds) {
  reopen(true);
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1"),
                              batch("alice", 2, "t2", "r2"),
                              batch("bob", 1, "t3", "r3")}));
  // Nothing published yet: the outbox holds everything back.
  CAF_CHECK_EQUAL(store->prune_events(an_hour_from_now(), 100), int64_t{0});
  auto entries = store->read_outbox(0, 10);
  CAF_REQUIRE(entries);
  CAF_REQUIRE(!store->publish_position(entries->back().id));
  // Alice's first event goes; her last and bob's only one stay.
  CAF_CHECK_EQUAL(store->prune_events(an_hour_from_now(), 100), int64_t{1});
  CAF_CHECK_EQUAL(seqs(*store, "bob"), std::vector<int64_t>{1});
  // Reading from before what is left says so.
  auto gone = store->read_events("alice", 0, 10);
  CAF_REQUIRE(!gone);
  CAF_CHECK_EQUAL(gone.error(), ec::gone);
  CAF_CHECK_EQUAL(error_field(gone.error()), "after");
  auto rest = store->read_events("alice", 1, 10);
  CAF_REQUIRE(rest);
  CAF_CHECK_EQUAL(rest->size(), 1u);
  // A cutoff in the past removes nothing.
  CAF_CHECK_EQUAL(store->prune_events(0, 100), int64_t{0});
}

CAF_TEST_FIXTURE_SCOPE_END()
