#define CAF_SUITE persistence.event_retention

#include <chrono>
#include <thread>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

/// Every event committed so far is older than this.
int64_t an_hour_from_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
           .count()
         + 3600 * 1000;
}

struct fixture {
  std::unique_ptr<sqlite_store> open(bool with_outbox) {
    auto result = sqlite_store::open(database_path(tmp.path + "/data"), "full",
                                     with_outbox);
    if (!result)
      CAF_FAIL("cannot open: " << caf::to_string(result.error()));
    return std::move(*result);
  }

  /// Commits events `from`..`to` of `user`, one per batch.
  static void write(sqlite_store& store, const std::string& user, int64_t from,
                    int64_t to) {
    std::vector<user_batch> batches;
    for (auto seq = from; seq <= to; ++seq) {
      user_batch b;
      b.user_id = user;
      auto todo = "t" + std::to_string(seq);
      b.events.push_back({seq, "todo.created", todo, R"({"n":1})"});
      b.todos.push_back({todo, R"({"id":")" + todo + R"("})"});
      batches.push_back(std::move(b));
    }
    CAF_REQUIRE(!store.commit(batches));
  }

  static std::vector<int64_t> seqs(sqlite_store& store, const std::string& user,
                                   int64_t after) {
    auto events = store.read_events(user, after, 100);
    CAF_REQUIRE(events);
    std::vector<int64_t> result;
    for (auto& ev : *events)
      result.push_back(ev.seq);
    return result;
  }

  test::temp_dir tmp;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(event_retention_tests, fixture)

CAF_TEST(old events go but each user keeps its last and its sequence) {
  auto store = open(false);
  write(*store, "alice", 1, 5);
  write(*store, "bob", 1, 1);
  auto cutoff = an_hour_from_now();
  // Nothing is older than an hour ago.
  CAF_CHECK_EQUAL(store->prune_events(cutoff - 2 * 3600 * 1000, 100),
                  int64_t{0});
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 100), int64_t{4});
  CAF_CHECK_EQUAL(seqs(*store, "alice", 4), std::vector<int64_t>{5});
  CAF_CHECK_EQUAL(seqs(*store, "bob", 0), std::vector<int64_t>{1});
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{5});
  // Reading from before what is left says so, naming `after`.
  auto gone = store->read_events("alice", 0, 100);
  CAF_REQUIRE(!gone);
  CAF_CHECK_EQUAL(gone.error(), ec::gone);
  CAF_CHECK_EQUAL(error_field(gone.error()), "after");
  CAF_CHECK(describe(gone.error()).find("up to sequence 4")
            != std::string::npos);
  CAF_CHECK(!store->read_events("alice", 3, 100));
  // The sequence goes on; the todos are untouched.
  write(*store, "alice", 6, 6);
  CAF_CHECK_EQUAL(seqs(*store, "alice", 4), (std::vector<int64_t>{5, 6}));
  auto snapshot = store->load_user("alice");
  CAF_REQUIRE(snapshot);
  CAF_CHECK_EQUAL(snapshot->todos.size(), 6u);
  CAF_CHECK_EQUAL(snapshot->last_seq, int64_t{6});
}

CAF_TEST(pruning goes in chunks of the given size) {
  auto store = open(false);
  write(*store, "alice", 1, 7);
  auto cutoff = an_hour_from_now();
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 4), int64_t{4});
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 4), int64_t{2});
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 4), int64_t{0});
  CAF_CHECK_EQUAL(seqs(*store, "alice", 6), std::vector<int64_t>{7});
}

CAF_TEST(events the outbox has not published stay) {
  auto store = open(true);
  write(*store, "alice", 1, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  write(*store, "alice", 3, 4);
  auto cutoff = an_hour_from_now();
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 100), int64_t{0});
  auto entries = store->read_outbox(0, 10);
  CAF_REQUIRE(entries);
  CAF_REQUIRE_EQUAL(entries->size(), 4u);
  // Kafka acknowledged 1-3. What was committed before the oldest entry
  // left in the outbox (4) goes; 3 shares its commit and stays.
  CAF_REQUIRE(!store->publish_position(entries->at(2).id));
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 100), int64_t{2});
  CAF_CHECK_EQUAL(seqs(*store, "alice", 2), (std::vector<int64_t>{3, 4}));
  // Once everything is published, only the last event stays.
  CAF_REQUIRE(!store->publish_position(entries->at(3).id));
  CAF_CHECK_EQUAL(store->prune_events(cutoff, 100), int64_t{1});
  CAF_CHECK_EQUAL(seqs(*store, "alice", 3), std::vector<int64_t>{4});
}

CAF_TEST_FIXTURE_SCOPE_END()
