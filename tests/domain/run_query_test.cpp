#include <algorithm>
#include <deque>
#include <gtest/gtest.h>
#include <map>
#include <stdexcept>

#include "actors/domain/query.hpp"
#include "actors/domain/text.hpp"
#include "io/codec/cursor.hpp"

using namespace actodo::actors::domain;
using actodo::io::codec::decode_cursor;
using actodo::io::codec::decode_query;
using actodo::io::codec::encode_cursor;

namespace {

using params = std::vector<std::pair<std::string, std::string>>;

struct run_query_tests : ::testing::Test {
  std::deque<todo> store;

  todo& add(std::string id) {
    auto& x = store.emplace_back();
    x.id = std::move(id);
    x.title = "todo " + x.id;
    x.created_at = "2026-01-01T00:00:00.000Z";
    x.updated_at = x.created_at;
    return x;
  }

  std::vector<const todo*> all() const {
    std::vector<const todo*> result;
    for (auto& x : store)
      result.push_back(&x);
    return result;
  }

  query make_query(const params& xs) {
    query q;
    auto err = decode_query(xs, q);
    if (err) {
      // FAIL() only works in void functions: record, then end the test.
      ADD_FAILURE() << "bad test query: " << err->field << ": " << err->detail;
      throw std::runtime_error("bad test query");
    }
    return q;
  }

  page run(const query& q) {
    auto res = run_query(q, all());
    if (auto err = std::get_if<field_error>(&res)) {
      ADD_FAILURE() << "query failed: " << err->field << ": " << err->detail;
      throw std::runtime_error("query failed");
    }
    return std::get<page>(std::move(res));
  }

  /// Runs a query and returns the ids of the first page, comma-separated.
  std::string ids(const params& xs) {
    std::string result;
    for (auto ptr : run(make_query(xs)).items) {
      if (!result.empty())
        result += ',';
      result += ptr->id;
    }
    return result;
  }

  /// Walks all pages with the given limit and returns all ids in order.
  std::vector<std::string> walk(params xs, size_t limit, size_t& pages) {
    xs.emplace_back("limit", std::to_string(limit));
    auto q = make_query(xs);
    std::vector<std::string> result;
    pages = 0;
    for (;;) {
      auto pg = run(q);
      ++pages;
      EXPECT_LE(pg.items.size(), limit);
      for (auto ptr : pg.items)
        result.push_back(ptr->id);
      if (!pg.next)
        break;
      EXPECT_EQ(pg.items.size(), limit);
      // Through the edge's cursor, as a client pages.
      sort_values pos;
      if (auto err = decode_cursor(encode_cursor(q.sort, *pg.next), q.sort,
                                   pos)) {
        ADD_FAILURE() << "cursor does not round-trip: " << *err;
        throw std::runtime_error("cursor does not round-trip");
      }
      q.after = std::move(pos);
      if (pages > 1000) {
        ADD_FAILURE() << "pagination does not terminate";
        throw std::runtime_error("pagination does not terminate");
      }
    }
    return result;
  }

  /// Adds `n` todos with many duplicate sort values.
  void populate(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      auto id = std::to_string(1000 + (i * 7919) % 9000); // scrambled ids
      auto& x = add(id);
      x.prio = static_cast<priority>(i % 5);
      x.completed = i % 3 == 0;
      x.order = static_cast<double>(i % 4) / 2;
      x.title = (i % 2 ? "Task " : "task ") + std::to_string(i % 6);
      if (i % 4 != 0)
        x.due = "2026-03-0" + std::to_string(1 + i % 3);
      x.created_at = "2026-01-0" + std::to_string(1 + i % 5) + "T00:00:00.000Z";
      x.updated_at = "2026-02-0" + std::to_string(1 + i % 2) + "T00:00:00.000Z";
    }
  }
};

} // namespace

TEST_F(run_query_tests, empty_input) {
  auto pg = run(make_query({}));
  EXPECT_TRUE(pg.items.empty());
  EXPECT_FALSE(pg.next.has_value());
}

TEST_F(run_query_tests, default_order_is_created_at_then_id) {
  add("b").created_at = "2026-01-02T00:00:00.000Z";
  add("c").created_at = "2026-01-01T00:00:00.000Z";
  add("a").created_at = "2026-01-02T00:00:00.000Z";
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
  a.updated_at = "2026-01-03T00:00:00.000Z";
  auto& b = add("b");
  b.title = "Apple";
  b.order = -1;
  b.updated_at = "2026-01-01T00:00:00.000Z";
  auto& c = add("c");
  c.title = "apple";
  c.order = 2;
  c.updated_at = "2026-01-02T00:00:00.000Z";
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
      expected.push_back(ptr->id);
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

TEST_F(run_query_tests, cursor_with_different_sort_is_rejected) {
  populate(10);
  auto q = make_query({{"sort", "due,-priority"}, {"limit", "3"}});
  auto pg = run(q);
  ASSERT_TRUE(pg.next.has_value());
  auto cursor = encode_cursor(q.sort, *pg.next);
  for (auto sort : {"due,priority", "due", "-priority,due", "created_at"}) {
    query other;
    auto err = decode_query({{"sort", sort}, {"cursor", cursor}}, other);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->field, "cursor");
    EXPECT_FALSE(other.after.has_value());
  }
  // The default sort and an explicit created_at are the same spec.
  auto first_query = make_query({{"limit", "3"}});
  auto first = run(first_query);
  ASSERT_TRUE(first.next.has_value());
  auto same = make_query(
    {{"sort", "created_at"},
     {"cursor", encode_cursor(first_query.sort, *first.next)}});
  ASSERT_TRUE(same.after.has_value());
  EXPECT_EQ(same.after->id, first.next->id);
  EXPECT_TRUE(std::holds_alternative<page>(run_query(same, all())));
}

TEST_F(run_query_tests, garbage_cursors_are_rejected) {
  populate(3);
  std::vector<std::string> cursors{
    "!!!",
    "abc",
    "x",
    base64url_encode("not json"),
    base64url_encode("[1,2]"),
    base64url_encode(R"({"f":1,"s":"created_at","k":[],"id":"1"})"),
    base64url_encode(R"({"f":1,"s":"created_at","k":[5],"id":"1"})"),
    base64url_encode(R"({"f":2,"s":"created_at","k":["x"],"id":"1"})"),
    base64url_encode(R"({"f":1,"s":"created_at","k":["x"],"id":7})"),
    base64url_encode(R"({"f":1,"s":"created_at","k":["x"]})"),
  };
  for (auto& cursor : cursors) {
    SCOPED_TRACE("cursor: " + cursor);
    query q;
    auto err = decode_query({{"cursor", cursor}}, q);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->field, "cursor");
  }
  // A cursor given twice is refused too.
  query twice;
  auto err = decode_query({{"cursor", ""}, {"cursor", ""}}, twice);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "cursor");
  // Sanity check: a well-formed hand-made cursor works.
  auto q = make_query(
    {{"cursor",
      base64url_encode(R"({"f":1,"s":"created_at",)"
                       R"("k":["2026-01-01T00:00:00.000Z"],"id":""})")}});
  ASSERT_TRUE(q.after.has_value());
  EXPECT_EQ(q.after->created_at, "2026-01-01T00:00:00.000Z");
  EXPECT_TRUE(std::holds_alternative<page>(run_query(q, all())));
}

TEST_F(run_query_tests, typed_cursor_values_are_checked) {
  auto make = [](const std::string& k) {
    return base64url_encode(R"({"f":1,"s":"due,priority,order","k":)" + k
                            + R"(,"id":"x"})");
  };
  std::map<std::string, bool> cases{
    {R"([null,"low",1.5])", true},  {R"([5,"urgent",0])", true},
    {R"(["x","low",1.5])", false},  {R"([null,"huge",1.5])", false},
    {R"([null,"low","1"])", false}, {R"([1.5,"low",1])", false},
    {R"([null,"low"])", false},
  };
  for (auto& [k, ok] : cases) {
    SCOPED_TRACE("values: " + k);
    query q;
    auto err = decode_query(
      {{"sort", "due,priority,order"}, {"cursor", make(k)}}, q);
    EXPECT_EQ(!err.has_value(), ok);
    if (ok) {
      EXPECT_TRUE(std::holds_alternative<page>(run_query(q, all())));
    }
  }
}
