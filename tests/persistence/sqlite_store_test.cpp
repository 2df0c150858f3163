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

CAF_TEST(committed batches survive reopening) {
  CAF_REQUIRE(
    !store->commit({batch("alice", 1, "t1", "r1"), batch("bob", 1, "t2", "r2"),
                    batch("alice", 2, "t3", "r3")}));
  store = open();
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->last_seq, 2);
  CAF_CHECK_EQUAL(snap->todos.size(), 2u);
  auto events = store->read_events("alice", 0, 10);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK_EQUAL(events->at(0).seq, 1);
  CAF_CHECK_EQUAL(events->at(1).todo_id, "t3");
  auto bob = store->last_seq("bob");
  CAF_REQUIRE(bob);
  CAF_CHECK_EQUAL(*bob, 1);
  auto nobody = store->last_seq("carol");
  CAF_REQUIRE(nobody);
  CAF_CHECK_EQUAL(*nobody, 0);
}

CAF_TEST(a commit is all or nothing) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  // The second batch repeats sequence 1: the whole commit must fail.
  auto err = store->commit(
    {batch("bob", 1, "t2", "r2"), batch("alice", 1, "t3", "r3")});
  CAF_CHECK_EQUAL(err, ec::store_failure);
  auto bob = store->read_events("bob", 0, 10);
  CAF_REQUIRE(bob);
  CAF_CHECK(bob->empty());
  auto req = store->find_request("bob", "r2");
  CAF_REQUIRE(req);
  CAF_CHECK(!req->has_value());
  // The store is usable after the failure.
  CAF_CHECK(!store->commit({batch("bob", 1, "t2", "r2")}));
  auto again = store->read_events("bob", 0, 10);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->size(), 1u);
}

CAF_TEST(deleted todos disappear from the snapshot) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  user_batch del;
  del.user_id = "alice";
  del.events.push_back({2, "todo.deleted", "t1", "{}"});
  del.todos.push_back({"t1", ""});
  CAF_REQUIRE(!store->commit({del}));
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK(snap->todos.empty());
  CAF_CHECK_EQUAL(snap->last_seq, 2);
}

CAF_TEST(requests are found by id and by idempotency key per user) {
  auto b = batch("alice", 1, "t1", "r1");
  b.request.idempotency_key = "key-1";
  CAF_REQUIRE(!store->commit({b}));
  auto by_key = store->find_idempotent("alice", "key-1");
  CAF_REQUIRE(by_key);
  CAF_REQUIRE(by_key->has_value());
  CAF_CHECK_EQUAL((*by_key)->request_id, "r1");
  CAF_CHECK_EQUAL((*by_key)->fingerprint, "fp");
  auto other_user = store->find_idempotent("bob", "key-1");
  CAF_REQUIRE(other_user);
  CAF_CHECK(!other_user->has_value());
  auto other_id = store->find_request("bob", "r1");
  CAF_REQUIRE(other_id);
  CAF_CHECK(!other_id->has_value());
  CAF_CHECK(!store->prune_requests(2000));
  auto pruned = store->find_request("alice", "r1");
  CAF_REQUIRE(pruned);
  CAF_CHECK(!pruned->has_value());
}

CAF_TEST(an outcome whose todo an event carries is stored by reference) {
  auto todo = std::string{
    R"({"id":"t1","order":0.1,"title":"caf\u00e9 \"x\""})"};
  user_batch b;
  b.user_id = "alice";
  b.events.push_back(
    {1, "todo.created", "t1", R"({"data":)" + todo + R"(,"sequence":1})"});
  b.todos.push_back({"t1", todo});
  b.request = {"r1", "done", 201, todo, "key-1", "fp", 1000, 1};
  // A refusal carries no todo: its problem document is kept as it is.
  auto refused = batch("alice", 2, "t2", "r2");
  refused.request.status = 404;
  refused.request.body = R"({"status":404})";
  CAF_REQUIRE(!store->commit({b, refused}));
  store = open();
  for (auto found : {store->find_request("alice", "r1"),
                     store->find_idempotent("alice", "key-1")}) {
    CAF_REQUIRE(found);
    CAF_REQUIRE(found->has_value());
    CAF_CHECK_EQUAL((*found)->body, todo);
    CAF_CHECK_EQUAL((*found)->body_seq, 1);
    CAF_CHECK_EQUAL((*found)->status, 201);
  }
  auto other = store->find_request("alice", "r2");
  CAF_REQUIRE(other);
  CAF_REQUIRE(other->has_value());
  CAF_CHECK_EQUAL((*other)->body, R"({"status":404})");
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

CAF_TEST(read_events pages by sequence) {
  std::vector<user_batch> xs;
  for (int64_t i = 1; i <= 10; ++i)
    xs.push_back(
      batch("alice", i, "t" + std::to_string(i), "r" + std::to_string(i)));
  CAF_REQUIRE(!store->commit(xs));
  auto page = store->read_events("alice", 3, 4);
  CAF_REQUIRE(page);
  CAF_REQUIRE_EQUAL(page->size(), 4u);
  CAF_CHECK_EQUAL(page->front().seq, 4);
  CAF_CHECK_EQUAL(page->back().seq, 7);
}

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

CAF_TEST(a store with the outbox records every committed event) {
  store.reset();
  auto opened = sqlite_store::open(database_path(dir + "/data"), "full", true);
  CAF_REQUIRE(opened);
  store = std::move(*opened);
  CAF_REQUIRE(!store->commit(
    {batch("alice", 1, "t1", "r1"), batch("bob", 1, "t2", "r2")}));
  auto entries = store->read_outbox(0, 10);
  CAF_REQUIRE(entries);
  CAF_REQUIRE_EQUAL(entries->size(), 2u);
  CAF_CHECK_EQUAL(entries->at(1).user_id, "bob");
  CAF_CHECK_EQUAL(store->outbox_backlog(), int64_t{2});
  CAF_CHECK(!store->publish_position(entries->at(0).id));
  CAF_CHECK_EQUAL(store->outbox_backlog(), int64_t{1});
  CAF_CHECK_EQUAL(store->published_position(), entries->at(0).id);
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
