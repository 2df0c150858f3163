#include <gtest/gtest.h>
#include <unordered_map>

#include "actors/domain/sort_cache.hpp"
#include "actors/domain/sort_values.hpp"

using namespace actodo::actors::domain;

namespace {

todo make(std::string id, std::string title) {
  todo x;
  x.id = std::move(id);
  x.title = std::move(title);
  x.due = "2026-03-01";
  x.created_at = x.updated_at = "2026-01-01T00:00:00.000Z";
  return x;
}

} // namespace

TEST(sort_cache, computes_once_and_again_after_a_change) {
  std::unordered_map<std::string, todo> todos;
  auto& a = todos.emplace("a", make("a", "Milk")).first->second;
  sort_cache cache;
  auto* first = &cache.of(a);
  EXPECT_EQ(first->title_folded, "milk");
  EXPECT_TRUE(first->due.has_value());
  EXPECT_EQ(&cache.of(a), first);
  // A change bumps the version and `updated_at`: the values follow.
  a.title = "Bread";
  a.due.clear();
  a.version = 2;
  a.updated_at = "2026-01-02T00:00:00.000Z";
  auto& changed = cache.of(a);
  EXPECT_EQ(changed.title_folded, "bread");
  EXPECT_FALSE(changed.due.has_value());
  EXPECT_EQ(changed.updated_at, "2026-01-02T00:00:00.000Z");
}

TEST(sort_cache, an_address_reused_by_another_todo_is_recomputed) {
  sort_cache cache;
  todo slot = make("a", "first");
  EXPECT_EQ(cache.of(slot).id, "a");
  // Another todo in the same storage (same version and time).
  slot = make("b", "second");
  EXPECT_EQ(cache.of(slot).id, "b");
  EXPECT_EQ(cache.of(slot).title, "second");
}

TEST(sort_cache, queries_on_cached_values_match_fresh_ones) {
  std::unordered_map<std::string, todo> todos;
  for (int i = 0; i < 30; ++i) {
    auto id = "t" + std::to_string(100 + (i * 7) % 30);
    auto x = make(id, (i % 2 ? "Task " : "task ") + std::to_string(i % 4));
    x.prio = static_cast<priority>(i % 5);
    if (i % 3 == 0)
      x.due.clear();
    todos.emplace(id, x);
  }
  sort_cache cache;
  std::vector<const todo*> plain;
  std::vector<sortable> cached;
  for (auto& kvp : todos) {
    plain.push_back(&kvp.second);
    cached.push_back({&kvp.second, &cache.of(kvp.second)});
  }
  query q;
  ASSERT_FALSE(
    parse_query({{"sort", "due,-priority,title"}, {"limit", "7"}}, q));
  auto a = std::get<page>(run_query(q, plain));
  auto b = std::get<page>(run_query(q, cached));
  EXPECT_EQ(a.items, b.items);
  ASSERT_TRUE(a.next && b.next);
  EXPECT_EQ(a.next->id, b.next->id);
}

TEST(sort_cache, entries_of_gone_todos_are_bounded) {
  std::vector<todo> many;
  for (int i = 0; i < 100; ++i)
    many.push_back(make("t" + std::to_string(i), "x"));
  sort_cache cache;
  for (auto& x : many)
    cache.of(x);
  EXPECT_EQ(cache.size(), 100u);
  // All 100 live: kept.
  cache.shrink(100);
  EXPECT_EQ(cache.size(), 100u);
  // Ten live (more than 2 * 10 + 64 entries): dropped, rebuilt on demand.
  cache.shrink(10);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.of(many[0]).id, "t0");
  EXPECT_EQ(cache.size(), 1u);
}
