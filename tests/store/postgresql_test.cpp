#define CAF_SUITE store.postgresql

// What only the PostgreSQL store has: a server that can go away and come
// back, and a schema other nodes may have migrated further.

#include <chrono>
#include <thread>

#include "caf/test/unit_test.hpp"

#include "persistence/pg_schema.hpp"
#include "persistence/pg_store.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using actodo::test::batch;

namespace {

struct fixture : test::backend {
  fixture() {
    if (!postgresql())
      CAF_FAIL("this suite needs ACTODO_TEST_STORE=postgresql");
  }

  /// Ends every server session of this test's database (what a server
  /// restart or a network failure does to the store's connections).
  void drop_connections() {
    admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
          "datname = '"
          + database() + "'");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(postgresql_tests, fixture)

CAF_TEST(a lost connection answers unavailable at once and then reconnects) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  drop_connections();
  auto err = store->commit({batch("alice", 2, "t2", "r2")});
  CAF_CHECK_EQUAL(err, ec::unavailable);
  CAF_CHECK_EQUAL(retry_after(err), 1);
  // Within the backoff the store does not even try.
  auto fast = store->last_seq("alice");
  CAF_REQUIRE(!fast);
  CAF_CHECK_EQUAL(fast.error(), ec::unavailable);
  std::this_thread::sleep_for(std::chrono::milliseconds{250});
  // Back: the failed commit left nothing, the next one works.
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{1});
  CAF_CHECK(!store->commit({batch("alice", 2, "t2", "r2")}));
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{2});
  // The accounts' connection recovers the same way.
  auto first = accounts->find_by_name("alice");
  if (!first) {
    CAF_CHECK_EQUAL(first.error(), ec::unavailable);
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
  }
  auto found = accounts->find_by_name("alice");
  CAF_REQUIRE(found);
  CAF_CHECK(!found->has_value());
}

CAF_TEST(a database from a newer actodo is refused untouched) {
  admin("SELECT 1"); // The server is up.
  stores = opened_stores{};
  {
    auto db = pg_connection::connect(uri);
    CAF_REQUIRE(db);
    CAF_REQUIRE(!db->execute(
      "INSERT INTO schema_version (version, what) VALUES (99, 'future')"));
  }
  auto opened = pg_store::open(uri);
  CAF_REQUIRE(!opened);
  CAF_CHECK(describe(opened.error()).find("newer") != std::string::npos);
  auto db = pg_connection::connect(uri);
  CAF_REQUIRE(db);
  auto rows = db->select("SELECT max(version) FROM schema_version");
  CAF_REQUIRE(rows);
  CAF_CHECK_EQUAL(rows->integer(0, 0), 99);
}

CAF_TEST(an outcome stored by reference keeps no copy in its row) {
  auto todo = std::string{R"({"id":"t1"})"};
  user_batch b;
  b.user_id = "alice";
  b.events.push_back(
    {1, "todo.created", "t1", R"({"data":)" + todo + R"(,"sequence":1})"});
  b.todos.push_back({"t1", todo});
  b.request = {"r1", "done", 201, todo, "key-1", "fp", 1000, 1};
  CAF_REQUIRE(!store->commit({b}));
  auto db = pg_connection::connect(uri);
  CAF_REQUIRE(db);
  auto rows = db->select("SELECT length(body), body_seq FROM requests WHERE "
                         "request_id = 'r1'");
  CAF_REQUIRE(rows);
  CAF_REQUIRE_EQUAL(rows->size(), 1);
  CAF_CHECK_EQUAL(rows->integer(0, 0), 0);
  CAF_CHECK_EQUAL(rows->integer(0, 1), 1);
}

CAF_TEST(the schema is migrated once and recorded) {
  reopen();
  auto db = pg_connection::connect(uri);
  CAF_REQUIRE(db);
  auto rows = db->select("SELECT count(*), max(version) FROM schema_version");
  CAF_REQUIRE(rows);
  // One row per step, each applied once despite the reopen.
  CAF_CHECK_EQUAL(rows->integer(0, 0),
                  static_cast<int64_t>(pg_migrations().size()));
  CAF_CHECK_EQUAL(rows->integer(0, 1),
                  static_cast<int64_t>(pg_migrations().size()));
}

CAF_TEST_FIXTURE_SCOPE_END()
