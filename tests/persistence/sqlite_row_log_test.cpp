#define CAF_SUITE persistence.sqlite_row_log

#include <algorithm>
#include <map>
#include <tuple>

#include "caf/test/unit_test.hpp"

#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

struct fixture {
  fixture() : path(database_path(tmp.path + "/data")) {
    store = open();
  }

  std::unique_ptr<sqlite_store>
  open(size_t max_deferred = sqlite_store::default_deferred_rows) {
    store.reset(); // One writer at a time.
    auto result = sqlite_store::open(path, "full", false, 2, max_deferred);
    if (!result)
      CAF_FAIL("cannot open: " << caf::to_string(result.error()));
    return std::move(*result);
  }

  /// Commits the next event of `user` with `rows` (id, json, wake_at),
  /// after a commit without rows unless `hot`: so `user` wrote no rows in
  /// the commit before, and its rows go to the log.
  void commit(const std::string& user, std::vector<todo_record> rows,
              bool hot = false) {
    if (!hot) {
      user_batch pause;
      pause.user_id = "~pause";
      pause.events.push_back({++seq["~pause"], "todo.updated", "x", "{}"});
      CAF_REQUIRE(!store->commit({pause}));
    }
    user_batch b;
    b.user_id = user;
    b.events.push_back({++seq[user], "todo.updated", rows.front().id, "{}"});
    b.todos = std::move(rows);
    CAF_REQUIRE(!store->commit({b}));
  }

  static todo_record row(const std::string& id, int version,
                         int64_t wake_at = -1) {
    return {id, R"({"id":")" + id + R"(","v":)" + std::to_string(version) + "}",
            wake_at};
  }

  /// The user's todo JSON as `load_user` sees it, sorted.
  std::vector<std::string> todos(const std::string& user) {
    auto snap = store->load_user(user);
    CAF_REQUIRE(snap);
    auto result = snap->todos;
    std::sort(result.begin(), result.end());
    return result;
  }

  /// A count straight from the file, on a connection of its own.
  int64_t count(const std::string& sql) {
    auto db = open_read_only(path);
    CAF_REQUIRE(db);
    sqlite_statement stmt{db->get(), sql};
    auto n = stmt.run_int();
    CAF_REQUIRE(n);
    return *n;
  }

  std::vector<std::tuple<int64_t, std::string, std::string>>
  wakes(int64_t page) {
    std::vector<std::tuple<int64_t, std::string, std::string>> result;
    wake_entry after{-1, "", ""};
    for (;;) {
      auto got = store->wakes_after(after, page);
      CAF_REQUIRE(got);
      for (auto& x : *got)
        result.emplace_back(x.at, x.user_id, x.todo_id);
      if (static_cast<int64_t>(got->size()) < page)
        return result;
      after = got->back();
    }
  }

  test::temp_dir tmp;
  std::string path;
  std::unique_ptr<sqlite_store> store;
  std::map<std::string, int64_t> seq;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(sqlite_row_log_tests, fixture)

CAF_TEST(a commit appends its rows to the log and reads see them) {
  commit("alice", {row("t1", 1), row("t2", 1)});
  CAF_CHECK_EQUAL(store->deferred().waiting, 2u);
  CAF_CHECK_EQUAL(store->deferred().limit, sqlite_store::default_deferred_rows);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 2);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos"), 0);
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 1).json, row("t2", 1).json}));
  CAF_CHECK(todos("bob").empty());
  // What committed survives a restart: the index is read back from the log.
  store = open();
  CAF_CHECK_EQUAL(store->deferred().waiting, 2u);
  CAF_CHECK_EQUAL(todos("alice").size(), 2u);
  CAF_REQUIRE(!store->fold(100));
  CAF_CHECK_EQUAL(store->deferred().waiting, 0u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 0);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos"), 2);
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 1).json, row("t2", 1).json}));
}

CAF_TEST(a waiting version replaces or removes the row in place) {
  commit("alice", {row("t1", 1), row("t2", 1)});
  CAF_REQUIRE(!store->fold(100));
  commit("alice", {row("t1", 2), {"t2", "", -1}, row("t3", 1)});
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 2).json, row("t3", 1).json}));
  CAF_REQUIRE(!store->fold(100));
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 2).json, row("t3", 1).json}));
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't2'"), 0);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 0);
}

CAF_TEST(a fold takes the oldest rows and drops every older version) {
  commit("alice", {row("t1", 1)}); // log position 1
  commit("alice", {row("t2", 1)}); // 2
  commit("alice", {row("t1", 2)}); // 3: t1's version at 1 is older now
  CAF_CHECK_EQUAL(store->deferred().waiting, 3u); // entries, not rows
  CAF_REQUIRE(!store->fold(1)); // t2, and t1's first version with it
  CAF_CHECK_EQUAL(store->deferred().waiting, 1u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't2'"), 1);
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 2).json, row("t2", 1).json}));
  store = open();
  CAF_CHECK_EQUAL(store->deferred().waiting, 1u);
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 2).json, row("t2", 1).json}));
}

CAF_TEST(a commit that fails leaves nothing waiting) {
  commit("alice", {row("t1", 1)});
  // Bob's batch appends its rows; Alice's, after it in the same commit,
  // repeats sequence 1: the whole commit fails.
  user_batch fine;
  fine.user_id = "bob";
  fine.events.push_back({1, "todo.created", "b1", "{}"});
  fine.todos = {row("b1", 1), row("b2", 1)};
  user_batch again;
  again.user_id = "alice";
  again.events.push_back({1, "todo.updated", "t1", "{}"});
  again.todos.push_back(row("t1", 9));
  CAF_CHECK(store->commit({fine, again}));
  CAF_CHECK_EQUAL(store->deferred().waiting, 1u);
  CAF_CHECK(todos("bob").empty());
  CAF_CHECK_EQUAL(todos("alice"),
                  (std::vector<std::string>{row("t1", 1).json}));
  // The next commit takes the log positions the failed one had.
  commit("carol", {row("c1", 1), row("c2", 1)});
  CAF_CHECK_EQUAL(store->deferred().waiting, 3u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 3);
  CAF_CHECK(todos("bob").empty());
  CAF_CHECK_EQUAL(todos("carol"), (std::vector<std::string>{
                                    row("c1", 1).json, row("c2", 1).json}));
  store = open();
  CAF_CHECK(todos("bob").empty());
  CAF_CHECK_EQUAL(todos("carol").size(), 2u);
}

CAF_TEST(every version in the log counts against the limit) {
  for (int v = 1; v <= 5; ++v)
    commit("alice", {row("t1", v)});
  CAF_CHECK_EQUAL(store->deferred().waiting, 5u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 5);
  store = open(2); // one row: folding it drops all five versions
  CAF_CHECK_EQUAL(store->deferred().waiting, 0u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 0);
  CAF_CHECK_EQUAL(todos("alice"),
                  (std::vector<std::string>{row("t1", 5).json}));
}

CAF_TEST(a user that wrote in the commit before writes in place) {
  commit("alice", {row("t1", 1)});
  CAF_CHECK_EQUAL(store->deferred().waiting, 1u);
  // Right after: new rows go in place, a row that waits goes to the log.
  commit("alice", {row("t2", 1), row("t1", 2)}, true);
  CAF_CHECK_EQUAL(store->deferred().waiting, 2u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't2'"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't1'"), 0);
  // Bob wrote nothing before: his rows wait, Alice's new ones do not.
  user_batch bob;
  bob.user_id = "bob";
  bob.events.push_back({1, "todo.created", "b1", "{}"});
  bob.todos.push_back(row("b1", 1));
  user_batch alice;
  alice.user_id = "alice";
  alice.events.push_back({++seq["alice"], "todo.created", "t3", "{}"});
  alice.todos.push_back(row("t3", 1));
  CAF_REQUIRE(!store->commit({bob, alice}));
  CAF_CHECK_EQUAL(store->deferred().waiting, 3u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't3'"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log WHERE id = 'b1'"), 1);
  CAF_CHECK_EQUAL(todos("alice"),
                  (std::vector<std::string>{
                    row("t1", 2).json, row("t2", 1).json, row("t3", 1).json}));
  // A failed commit does not count as the commit before.
  user_batch carol;
  carol.user_id = "carol";
  carol.events.push_back({1, "todo.created", "c0", "{}"});
  carol.todos.push_back(row("c0", 1));
  CAF_CHECK(store->commit({carol, carol})); // sequence 1 twice
  commit("carol", {row("c1", 1)}, true);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log WHERE id = 'c1'"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE user_id = 'carol'"),
                  0);
}

CAF_TEST(rows in place and rows in the log never shadow newer versions) {
  commit("alice", {row("t1", 1)}); // cold: to the log
  // Hot: the delete of t1 (waiting) to the log, t2 in place.
  commit("alice", {{"t1", "", -1}, row("t2", 1)}, true);
  CAF_CHECK_EQUAL(todos("alice"),
                  (std::vector<std::string>{row("t2", 1).json}));
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't2'"), 1);
  // Hot, two batches of one commit: both in place, the second wins.
  user_batch a1;
  a1.user_id = "alice";
  a1.events.push_back({++seq["alice"], "todo.updated", "t2", "{}"});
  a1.todos.push_back(row("t2", 2));
  auto a2 = a1;
  a2.events.front().seq = ++seq["alice"];
  a2.todos.front() = row("t2", 3);
  CAF_REQUIRE(!store->commit({a1, a2}));
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log WHERE id = 't2'"), 0);
  CAF_REQUIRE(!store->fold(100));
  CAF_CHECK_EQUAL(todos("alice"),
                  (std::vector<std::string>{row("t2", 3).json}));
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't1'"), 0);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 0);
  // Everyone is cold after a reopen; a waiting key stays in the log.
  store = open();
  commit("alice", {row("t2", 4)}, true);
  commit("alice", {row("t2", 5)}, true);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log WHERE id = 't2'"), 2);
  CAF_REQUIRE(!store->fold(1));
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE json LIKE "
                        "'%\"v\":5}'"),
                  1);
  CAF_CHECK_EQUAL(todos("alice"),
                  (std::vector<std::string>{row("t2", 5).json}));
}

CAF_TEST(the rows of a user load in key order wherever they are) {
  commit("alice", {row("b", 1), row("d", 1)});
  CAF_REQUIRE(!store->fold(100));
  commit("alice", {row("c", 1), row("a", 1), row("d", 2)});
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->todos, (std::vector<std::string>{
                                 row("a", 1).json, row("b", 1).json,
                                 row("c", 1).json, row("d", 2).json}));
}

CAF_TEST(the due time index sees the waiting rows wake times) {
  commit("alice", {row("a1", 1, 100), row("a2", 1, 200), row("a3", 1, 300)});
  commit("bob", {row("b1", 1, 150), row("b2", 1, -1)});
  CAF_REQUIRE(!store->fold(100));
  // In place: a1 100, b1 150, a2 200, a3 300. Waiting: a1 no longer wakes,
  // a2 moves to 50, b2 wakes at 250, c1 is new at 150, a3 is deleted.
  commit("alice", {row("a1", 2, -1), row("a2", 2, 50), {"a3", "", -1}});
  commit("bob", {row("b2", 2, 250)});
  commit("carol", {row("c1", 1, 150)});
  using entry = std::tuple<int64_t, std::string, std::string>;
  auto expected = std::vector<entry>{{50, "alice", "a2"},
                                     {150, "bob", "b1"},
                                     {150, "carol", "c1"},
                                     {250, "bob", "b2"}};
  for (int64_t page : {1, 2, 3, 10})
    CAF_CHECK_EQUAL(wakes(page), expected);
  auto n = store->count_wakes();
  CAF_REQUIRE(n);
  CAF_CHECK_EQUAL(*n, 4);
  CAF_REQUIRE(!store->fold(100));
  CAF_CHECK_EQUAL(wakes(2), expected);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE wake_at >= 0"), 4);
}

CAF_TEST(a store that lets no row wait writes in place and folds what waits) {
  commit("alice", {row("t1", 1)});
  store = open(0);
  CAF_CHECK_EQUAL(store->deferred().waiting, 0u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 0);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos"), 1);
  commit("alice", {row("t2", 1)});
  CAF_CHECK_EQUAL(store->deferred().waiting, 0u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 0);
  CAF_CHECK_EQUAL(todos("alice"), (std::vector<std::string>{
                                    row("t1", 1).json, row("t2", 1).json}));
}

CAF_TEST(a store opened with a lower limit folds down to it) {
  commit("alice", {row("t1", 1), row("t2", 1), row("t3", 1)});
  store = open(1);
  CAF_CHECK_EQUAL(store->deferred().waiting, 1u);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todo_log"), 1);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos"), 2);
  CAF_CHECK_EQUAL(count("SELECT count(*) FROM todos WHERE id = 't3'"), 0);
  CAF_CHECK_EQUAL(todos("alice").size(), 3u);
}

CAF_TEST_FIXTURE_SCOPE_END()
