#define CAF_SUITE store.event_log

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using actodo::test::batch;

CAF_TEST_FIXTURE_SCOPE(event_log_tests, test::backend)

CAF_TEST(committed batches survive reopening) {
  CAF_REQUIRE(
    !store->commit({batch("alice", 1, "t1", "r1"), batch("bob", 1, "t2", "r2"),
                    batch("alice", 2, "t3", "r3")}));
  reopen();
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->last_seq, 2);
  CAF_CHECK_EQUAL(snap->todos.size(), 2u);
  auto events = store->read_events("alice", 0, 10);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 2u);
  CAF_CHECK_EQUAL(events->at(0).seq, 1);
  CAF_CHECK_EQUAL(events->at(0).json, "{\"seq\":1}");
  CAF_CHECK_EQUAL(events->at(1).todo_id, "t3");
  CAF_CHECK_EQUAL(events->at(1).type, "todo.created");
  CAF_CHECK_EQUAL(store->last_seq("bob"), int64_t{1});
  CAF_CHECK_EQUAL(store->last_seq("carol"), int64_t{0});
}

CAF_TEST(a repeated sequence fails the whole commit) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  // The second batch repeats sequence 1: the (user, seq) key refuses it,
  // and the first batch of the same commit must not stay either.
  auto err = store->commit(
    {batch("bob", 1, "t2", "r2"), batch("alice", 1, "t3", "r3")});
  CAF_CHECK_EQUAL(err, ec::store_failure);
  auto bob = store->read_events("bob", 0, 10);
  CAF_REQUIRE(bob);
  CAF_CHECK(bob->empty());
  auto req = store->find_request("bob", "r2");
  CAF_REQUIRE(req);
  CAF_CHECK(!req->has_value());
  auto alice = store->load_user("alice");
  CAF_REQUIRE(alice);
  CAF_CHECK_EQUAL(alice->todos.size(), 1u);
  // The store is usable after the failure.
  CAF_CHECK(!store->commit({batch("bob", 1, "t2", "r2")}));
  auto again = store->read_events("bob", 0, 10);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->size(), 1u);
}

CAF_TEST(a todo is replaced by its last state and removed when deleted) {
  CAF_REQUIRE(!store->commit({batch("alice", 1, "t1", "r1")}));
  user_batch upd;
  upd.user_id = "alice";
  upd.events.push_back({2, "todo.updated", "t1", "{}"});
  upd.todos.push_back({"t1", R"({"id":"t1","v":2})"});
  CAF_REQUIRE(!store->commit({upd}));
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_REQUIRE_EQUAL(snap->todos.size(), 1u);
  CAF_CHECK_EQUAL(snap->todos[0], R"({"id":"t1","v":2})");
  user_batch del;
  del.user_id = "alice";
  del.events.push_back({3, "todo.deleted", "t1", "{}"});
  del.todos.push_back({"t1", ""});
  CAF_REQUIRE(!store->commit({del}));
  snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK(snap->todos.empty());
  CAF_CHECK_EQUAL(snap->last_seq, 3);
}

CAF_TEST(users see only their own todos and events) {
  CAF_REQUIRE(!store->commit(
    {batch("alice", 1, "t1", "r1"), batch("bob", 1, "t2", "r2")}));
  auto bob = store->load_user("bob");
  CAF_REQUIRE(bob);
  CAF_REQUIRE_EQUAL(bob->todos.size(), 1u);
  CAF_CHECK_EQUAL(bob->todos[0], R"({"id":"t2"})");
  auto events = store->read_events("bob", 0, 10);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 1u);
  CAF_CHECK_EQUAL(events->at(0).todo_id, "t2");
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
  CAF_CHECK_EQUAL((*by_key)->created_ms, 1000);
  auto other_user = store->find_idempotent("bob", "key-1");
  CAF_REQUIRE(other_user);
  CAF_CHECK(!other_user->has_value());
  auto other_id = store->find_request("bob", "r1");
  CAF_REQUIRE(other_id);
  CAF_CHECK(!other_id->has_value());
  CAF_CHECK(!store->prune_requests(999));
  auto kept = store->find_request("alice", "r1");
  CAF_REQUIRE(kept);
  CAF_CHECK(kept->has_value());
  CAF_CHECK(!store->prune_requests(2000));
  auto pruned = store->find_request("alice", "r1");
  CAF_REQUIRE(pruned);
  CAF_CHECK(!pruned->has_value());
}

CAF_TEST(an outcome stored by reference reads back the todo of its event) {
  auto todo = std::string{
    R"({"id":"t1","order":0.1,"title":"caf\u00e9 \"x\" \ud83d\ude00"})"};
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
  reopen();
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
}

CAF_TEST(read_events pages by sequence and by bytes) {
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
  // Three events of 400 KiB: a page stops once it holds 1 MiB.
  std::vector<user_batch> big;
  for (int64_t i = 1; i <= 3; ++i) {
    auto b = batch("bob", i, "t", "b" + std::to_string(i));
    b.events[0].json = "\"" + std::string(400 * 1024, 'x') + "\"";
    big.push_back(std::move(b));
  }
  CAF_REQUIRE(!store->commit(big));
  auto bounded = store->read_events("bob", 0, 10);
  CAF_REQUIRE(bounded);
  CAF_CHECK_EQUAL(bounded->size(), 3u);
  auto rest = store->read_events("bob", 1, 10);
  CAF_REQUIRE(rest);
  CAF_CHECK_EQUAL(rest->size(), 2u);
}

CAF_TEST(the due - time index pages in at - user - todo order) {
  std::vector<user_batch> xs;
  auto b = batch("bob", 1, "t1", "r1");
  b.todos[0].wake_at = 5000;
  xs.push_back(b);
  b = batch("alice", 1, "t2", "r2");
  b.todos[0].wake_at = 5000;
  b.todos.push_back({"t3", R"({"id":"t3"})", 100});
  b.todos.push_back({"t4", R"({"id":"t4"})", -1});
  xs.push_back(b);
  CAF_REQUIRE(!store->commit(xs));
  CAF_CHECK_EQUAL(store->count_wakes(), int64_t{3});
  auto first = store->wakes_after({-1, "", ""}, 2);
  CAF_REQUIRE(first);
  CAF_REQUIRE_EQUAL(first->size(), 2u);
  CAF_CHECK_EQUAL(first->at(0).todo_id, "t3");
  CAF_CHECK_EQUAL(first->at(1).user_id, "alice");
  auto next = store->wakes_after(first->back(), 2);
  CAF_REQUIRE(next);
  CAF_REQUIRE_EQUAL(next->size(), 1u);
  CAF_CHECK_EQUAL(next->at(0).user_id, "bob");
  CAF_CHECK_EQUAL(next->at(0).at, 5000);
  // A todo that no longer needs waking leaves the index.
  user_batch done;
  done.user_id = "bob";
  done.events.push_back({2, "todo.completed", "t1", "{}"});
  done.todos.push_back({"t1", R"({"id":"t1"})", -1});
  CAF_REQUIRE(!store->commit({done}));
  CAF_CHECK_EQUAL(store->count_wakes(), int64_t{2});
}

CAF_TEST_FIXTURE_SCOPE_END()
