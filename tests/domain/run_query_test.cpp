#include "tests/domain/run_query_fixture.hpp"

namespace {

constexpr int64_t jan1 = 1767225600000; // 2026-01-01T00:00:00.000Z
constexpr int64_t day = 86400000;

} // namespace

TEST_F(run_query_tests, empty_input) {
  auto pg = run(make_query({}));
  EXPECT_TRUE(pg.items.empty());
  EXPECT_FALSE(pg.next.has_value());
}

TEST_F(run_query_tests, default_order_is_created_at_then_id) {
  add("b").created_ms = jan1 + day;
  add("c").created_ms = jan1;
  add("a").created_ms = jan1 + day;
  EXPECT_EQ(ids({}), "c,a,b");
  query q;
  q.sort.clear(); // empty sort falls back to the default
  EXPECT_EQ(run(q).items.front()->id, "c");
}

TEST_F(run_query_tests, filter_completed) {
  add("a").completed = true;
  add("b");
  add("c").completed = true;
  EXPECT_EQ(ids({{"completed", "true"}}), "a,c");
  EXPECT_EQ(ids({{"completed", "false"}}), "b");
  EXPECT_EQ(ids({}), "a,b,c");
}

TEST_F(run_query_tests, filter_priorities) {
  add("a").prio = priority::low;
  add("b").prio = priority::high;
  add("c");
  add("d").prio = priority::urgent;
  EXPECT_EQ(ids({{"priority", "high"}}), "b");
  EXPECT_EQ(ids({{"priority", "urgent"}, {"priority", "low"}}), "a,d");
  EXPECT_EQ(ids({{"priority", "none"}}), "c");
  EXPECT_EQ(ids({{"priority", "medium"}}), "");
}

TEST_F(run_query_tests, filter_tags) {
  add("a").tags = {"Work", "urgent"};
  add("b").tags = {"work"};
  add("c").tags = {"home"};
  add("d");
  EXPECT_EQ(ids({{"tag", "WORK"}}), "a,b");
  EXPECT_EQ(ids({{"tag", "work"}, {"tag", "Urgent"}}), "a");
  EXPECT_EQ(ids({{"tag", "work"}, {"tag", "home"}}), "");
  EXPECT_EQ(ids({{"tag", "wor"}}), ""); // whole tags only
}

TEST_F(run_query_tests, filter_text) {
  add("a").title = "Buy MILK";
  add("b").notes = "remember the milk";
  add("c").title = "Call mom";
  EXPECT_EQ(ids({{"q", "milk"}}), "a,b");
  EXPECT_EQ(ids({{"q", "Milk"}}), "a,b");
  EXPECT_EQ(ids({{"q", "CALL"}}), "c");
  EXPECT_EQ(ids({{"q", "xyz"}}), "");
  EXPECT_EQ(ids({{"q", ""}}), "a,b,c");
}

TEST_F(run_query_tests, filter_due) {
  add("a").due = "2026-03-01";
  add("b").due = "2026-03-01T12:00:00+02:00"; // 10:00Z
  add("c").due = "2026-03-02T00:00:00Z";
  add("d");
  // due_before is exclusive, due_after inclusive; todos without due never
  // match either bound.
  EXPECT_EQ(ids({{"due_before", "2026-03-02"}}), "a,b");
  EXPECT_EQ(ids({{"due_before", "2026-03-01T10:00:00Z"}}), "a");
  EXPECT_EQ(ids({{"due_before", "2026-03-01T10:00:00.001Z"}}), "a,b");
  EXPECT_EQ(ids({{"due_after", "2026-03-01T10:00:00Z"}}), "b,c");
  EXPECT_EQ(ids({{"due_after", "2026-03-01T10:00:00.001Z"}}), "c");
  EXPECT_EQ(ids({{"due_after", "2026-03-01"}, {"due_before", "2026-03-02"}}),
            "a,b");
  EXPECT_EQ(ids({{"due_after", "1970-01-01"}}), "a,b,c");
}

TEST_F(run_query_tests, filters_combine) {
  auto& a = add("a");
  a.tags = {"x"};
  a.prio = priority::high;
  a.completed = true;
  auto& b = add("b");
  b.tags = {"x"};
  b.prio = priority::high;
  add("c").prio = priority::high;
  EXPECT_EQ(ids({{"tag", "x"}, {"priority", "high"}}), "a,b");
  EXPECT_EQ(ids({{"tag", "x"}, {"priority", "high"}, {"completed", "false"}}),
            "b");
}

TEST_F(run_query_tests, sort_by_due_with_missing_values) {
  add("a");
  add("b").due = "2026-03-02";
  add("c").due = "2026-03-01T23:00:00-02:00"; // 2026-03-02T01:00Z
  add("d").due = "2026-03-01";
  add("e");
  EXPECT_EQ(ids({{"sort", "due"}}), "d,b,c,a,e");
  // The id tie-breaker stays ascending.
  EXPECT_EQ(ids({{"sort", "-due"}}), "a,e,c,b,d");
}

TEST_F(run_query_tests, multi_key_sort) {
  auto& a = add("a");
  a.due = "2026-03-01";
  a.prio = priority::low;
  auto& b = add("b");
  b.due = "2026-03-01";
  b.prio = priority::urgent;
  auto& c = add("c");
  c.prio = priority::high;
  auto& d = add("d");
  d.due = "2026-02-01";
  d.prio = priority::none;
  auto& e = add("e");
  e.prio = priority::medium;
  EXPECT_EQ(ids({{"sort", "due,-priority"}}), "d,b,a,c,e");
  EXPECT_EQ(ids({{"sort", "priority"}}), "d,a,e,c,b");
  EXPECT_EQ(ids({{"sort", "-priority"}}), "b,c,e,a,d");
  EXPECT_EQ(ids({{"sort", "-priority,due"}}), "b,c,e,a,d");
}

TEST_F(run_query_tests, sort_by_title_order_and_timestamps) {
  auto& a = add("a");
  a.title = "banana";
  a.order = 2;
  a.updated_ms = jan1 + 2 * day;
  auto& b = add("b");
  b.title = "Apple";
  b.order = -1;
  b.updated_ms = jan1;
  auto& c = add("c");
  c.title = "apple";
  c.order = 2;
  c.updated_ms = jan1 + day;
  EXPECT_EQ(ids({{"sort", "title"}}), "b,c,a");
  EXPECT_EQ(ids({{"sort", "-title"}}), "a,c,b");
  EXPECT_EQ(ids({{"sort", "order"}}), "b,a,c");
  EXPECT_EQ(ids({{"sort", "-order"}}), "a,c,b"); // id stays ascending
  EXPECT_EQ(ids({{"sort", "-updated_at"}}), "a,c,b");
  EXPECT_EQ(ids({{"sort", "updated_at"}}), "b,c,a");
}

TEST_F(run_query_tests, limit) {
  populate(12);
  auto q = make_query({{"limit", "5"}});
  auto pg = run(q);
  EXPECT_EQ(pg.items.size(), 5u);
  ASSERT_TRUE(pg.next.has_value());
  EXPECT_EQ(pg.next->id, pg.items.back()->id);
  q.limit = 12;
  pg = run(q);
  EXPECT_EQ(pg.items.size(), 12u);
  EXPECT_FALSE(pg.next.has_value());
}

TEST_F(run_query_tests, pagination_visits_every_item_exactly_once_in_order) {
  populate(53);
  std::vector<params> queries{
    {},
    {{"sort", "due,-priority"}},
    {{"sort", "-due,title"}},
    {{"sort", "-title,order"}},
    {{"sort", "order,-created_at"}},
    {{"sort", "-updated_at,priority,due"}},
    {{"sort", "priority"}, {"completed", "false"}},
    {{"sort", "title"}, {"due_after", "2026-03-02"}},
  };
  for (auto& xs : queries) {
    auto reference = xs;
    reference.emplace_back("limit", "500");
    auto full = run(make_query(reference));
    ASSERT_FALSE(full.next.has_value());
    std::vector<std::string> expected;
    for (auto ptr : full.items)
      expected.push_back(ptr->id.str());
    for (size_t limit : {1u, 2u, 5u, 7u, 100u}) {
      size_t pages = 0;
      auto got = walk(xs, limit, pages);
      EXPECT_EQ(got, expected);
      auto expected_pages = std::max(size_t{1},
                                     (expected.size() + limit - 1) / limit);
      EXPECT_EQ(pages, expected_pages);
    }
    // Sanity: ids are unique, so "exactly once" holds.
    auto sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_TRUE(std::adjacent_find(sorted.begin(), sorted.end())
                == sorted.end());
  }
}

TEST_F(run_query_tests, pagination_survives_concurrent_changes) {
  for (auto id : {"a", "b", "c", "d", "e", "f"})
    add(id);
  auto q = make_query({{"limit", "2"}});
  auto pg = run(q);
  ASSERT_EQ(pg.items.size(), 2u);
  EXPECT_EQ(pg.items[1]->id, "b");
  // Remove the last item of the page and insert one that sorts before it
  // and one after it.
  store.erase(store.begin() + 1);
  add("0");
  add("cc");
  q.after = pg.next;
  pg = run(q);
  ASSERT_EQ(pg.items.size(), 2u);
  EXPECT_EQ(pg.items[0]->id, "c");
  EXPECT_EQ(pg.items[1]->id, "cc");
}
