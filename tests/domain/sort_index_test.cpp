// The indexes must answer every query exactly as a scan and sort of all
// todos does, through any sequence of changes: checked on random lists,
// random changes and every query shape, page by page.

#include <gtest/gtest.h>
#include <random>
#include <unordered_map>

#include "actors/domain/sort_index.hpp"

using namespace actodo::actors::domain;

namespace {

constexpr int64_t jan1 = 1767225600000; // 2026-01-01T00:00:00.000Z
constexpr int64_t feb1 = 1769904000000; // 2026-02-01T00:00:00.000Z
constexpr int64_t day = 86400000;

using params = std::vector<std::pair<std::string, std::string>>;

struct sort_index_tests : ::testing::Test {
  std::mt19937 rng{42};
  std::unordered_map<std::string, todo> todos;
  sort_indexes indexes{3};
  int next_id = 0;

  int pick(int n) {
    return std::uniform_int_distribution<int>{0, n - 1}(rng);
  }

  void randomize(todo& x) {
    x.title = std::string{pick(2) ? "Task " : "task "}
              + std::to_string(pick(8));
    x.prio = static_cast<priority>(pick(5));
    x.completed = pick(3) == 0;
    x.order = pick(4) / 2.0;
    x.due = pick(4) == 0 ? "" : "2026-03-0" + std::to_string(1 + pick(3));
    x.tags = pick(2) ? std::vector<compact_string>{"home"}
                     : std::vector<compact_string>{};
    x.updated_ms = feb1 + static_cast<int64_t>(pick(5)) * day;
    x.version += 1;
  }

  void add() {
    auto id = "t" + std::to_string(1000 + (next_id++ * 7919) % 9000);
    auto& x = todos[id];
    x.id = id;
    x.created_ms = jan1 + static_cast<int64_t>(pick(5)) * day;
    randomize(x);
    indexes.put(x);
  }

  /// One random add, change or removal, reported to the indexes.
  void change() {
    auto what = pick(3);
    if (what == 0 || todos.empty())
      return add();
    auto i = std::next(todos.begin(), pick(static_cast<int>(todos.size())));
    if (what == 1) {
      randomize(i->second);
      indexes.put(i->second);
    } else {
      indexes.erase(i->first);
      todos.erase(i);
    }
  }

  /// Every page of `q` from a scan and from the indexes, compared.
  void expect_same_pages(query q) {
    std::vector<const todo*> all;
    for (auto& kvp : todos)
      all.push_back(&kvp.second);
    for (size_t pages = 0; pages <= todos.size(); ++pages) {
      auto scanned = std::get<page>(run_query(q, all));
      auto indexed = indexes.run(q);
      ASSERT_EQ(scanned.items, indexed.items) << format_sort(q.sort);
      ASSERT_EQ(scanned.next.has_value(), indexed.next.has_value());
      if (!scanned.next)
        return;
      EXPECT_EQ(scanned.next->id, indexed.next->id);
      q.after = scanned.next;
    }
    FAIL() << "pagination does not terminate";
  }
};

const params shapes[] = {
  {},
  {{"sort", "-priority"}},
  {{"sort", "due,-priority"}, {"tag", "home"}},
  {{"sort", "title,-updated_at"}, {"completed", "false"}},
  {{"sort", "order,-created_at"}, {"priority", "high"}},
  {{"sort", "-due"}, {"due_after", "2026-03-02"}},
  {{"q", "task 3"}, {"sort", "-title"}},
};

} // namespace

TEST_F(sort_index_tests, pages_match_a_scan_through_random_changes) {
  for (int i = 0; i < 300; ++i)
    add();
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 25; ++i)
      change();
    for (auto& shape : shapes) {
      auto xs = shape;
      xs.emplace_back("limit", std::to_string(1 + pick(60)));
      query q;
      ASSERT_FALSE(parse_query(xs, q));
      expect_same_pages(q);
    }
  }
  EXPECT_EQ(indexes.size(), todos.size());
}

TEST_F(sort_index_tests, keeps_the_most_recently_queried_orders) {
  for (int i = 0; i < 50; ++i)
    add();
  auto run = [this](const char* sort) {
    query q;
    ASSERT_FALSE(parse_query({{"sort", sort}}, q));
    indexes.run(q);
  };
  run("due");
  run("title");
  run("-priority");
  EXPECT_EQ(indexes.orders(), 3u);
  run("due"); // Used again: "title" is now the least recent.
  run("order");
  EXPECT_EQ(indexes.orders(), 3u);
  // An evicted order is rebuilt from the todos and stays correct.
  query q;
  ASSERT_FALSE(parse_query({{"sort", "title"}}, q));
  expect_same_pages(q);
  indexes.clear();
  EXPECT_EQ(indexes.size(), 0u);
  EXPECT_EQ(indexes.orders(), 0u);
  EXPECT_TRUE(indexes.run(q).items.empty());
}

TEST_F(sort_index_tests, a_cursor_past_a_removed_todo_still_continues) {
  for (int i = 0; i < 40; ++i)
    add();
  query q;
  ASSERT_FALSE(parse_query({{"limit", "10"}, {"sort", "due"}}, q));
  auto first = indexes.run(q);
  ASSERT_TRUE(first.next);
  // The page's last todo goes away; the keyset position still orders.
  auto last = first.items.back()->id.str();
  indexes.erase(last);
  todos.erase(last);
  q.after = first.next;
  expect_same_pages(q);
}
