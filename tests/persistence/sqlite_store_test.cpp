#define CAF_SUITE persistence.sqlite_store

#include <filesystem>
#include <sys/stat.h>

#include "caf/test/unit_test.hpp"
#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

struct fixture {
  fixture() : dir(tmp.path) {
    store = open();
  }

  std::unique_ptr<sqlite_store> open() {
    auto result = sqlite_store::open(database_path(dir + "/data"), "full");
    if (!result)
      CAF_FAIL("cannot open: " << caf::to_string(result.error()));
    return std::move(*result);
  }

  static user_batch batch(const std::string& user, int64_t seq,
                          const std::string& todo, const std::string& rid) {
    user_batch b;
    b.user_id = user;
    b.events.push_back(
      {seq, "todo.created", todo, "{\"seq\":" + std::to_string(seq) + "}"});
    b.todos.push_back({todo, "{\"id\":\"" + todo + "\"}"});
    b.request = {rid, "done", 201, "{}", "", "fp", 1000};
    return b;
  }

  test::temp_dir tmp;
  std::string dir;
  std::unique_ptr<sqlite_store> store;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(sqlite_store_tests, fixture)

CAF_TEST(an outcome stored by reference keeps no copy in its row) {
  // What it reads back: the conformance suite (tests/store/).
  auto todo = std::string{R"({"id":"t1"})"};
  user_batch b;
  b.user_id = "alice";
  b.events.push_back(
    {1, "todo.created", "t1", R"({"data":)" + todo + R"(,"sequence":1})"});
  b.todos.push_back({"t1", todo});
  b.request = {"r1", "done", 201, todo, "key-1", "fp", 1000, 1};
  CAF_REQUIRE(!store->commit({b}));
  // The row itself holds no copy of the todo.
  sqlite3* db = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open((dir + "/data/actodo.db").c_str(), &db),
                    SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_prepare_v2(db,
                                       "SELECT length(body), body_seq FROM "
                                       "requests WHERE request_id = 'r1'",
                                       -1, &stmt, nullptr),
                    SQLITE_OK);
  CAF_REQUIRE_EQUAL(sqlite3_step(stmt), SQLITE_ROW);
  CAF_CHECK_EQUAL(sqlite3_column_int(stmt, 0), 0);
  CAF_CHECK_EQUAL(sqlite3_column_int(stmt, 1), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

CAF_TEST(reads do not wait for a writer) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  // Another connection holds the write lock with an uncommitted event.
  sqlite3* raw = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open((dir + "/data/actodo.db").c_str(), &raw),
                    SQLITE_OK);
  connection writer{raw};
  CAF_REQUIRE(!execute(writer.get(), "BEGIN IMMEDIATE; INSERT INTO events "
                                     "VALUES ('alice', 2, 'x', 't', '{}', 0)"));
  // The reads answer (from the last commit) instead of waiting.
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{1});
  auto events = store->read_events("alice", 0, 10);
  CAF_REQUIRE(events);
  CAF_CHECK_EQUAL(events->size(), 1u);
  CAF_REQUIRE(!execute(writer.get(), "COMMIT"));
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{2});
}

CAF_TEST(an unusable data directory is reported) {
  auto file = dir + "/plain-file";
  auto fp = std::fopen(file.c_str(), "w");
  CAF_REQUIRE(fp != nullptr);
  std::fclose(fp);
  auto result = sqlite_store::open(database_path(file + "/sub"), "full");
  CAF_CHECK(!result);
}

CAF_TEST_FIXTURE_SCOPE_END()
