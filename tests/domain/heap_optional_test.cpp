#include <gtest/gtest.h>
#include <optional>
#include <string>

#include "actors/domain/heap_optional.hpp"
#include "actors/domain/todo.hpp"

using actodo::actors::domain::heap_optional;
using actodo::actors::domain::recurrence;
using actodo::actors::domain::todo;

TEST(heap_optional, is_one_pointer_wide) {
  EXPECT_EQ(sizeof(heap_optional<recurrence>), sizeof(void*));
}

TEST(heap_optional, starts_empty_and_takes_values) {
  heap_optional<std::string> x;
  EXPECT_FALSE(x);
  EXPECT_FALSE(x.has_value());
  x = std::string{"FREQ=DAILY"};
  ASSERT_TRUE(x);
  EXPECT_EQ(*x, "FREQ=DAILY");
  EXPECT_EQ(x->size(), 10u);
  x = std::nullopt;
  EXPECT_FALSE(x);
  x.emplace(3, 'a');
  EXPECT_EQ(*x, "aaa");
  x.reset();
  EXPECT_FALSE(x);
}

TEST(heap_optional, copies_are_deep) {
  heap_optional<std::string> x{std::string{"one"}};
  auto y = x;
  *y += "+";
  EXPECT_EQ(*x, "one");
  EXPECT_EQ(*y, "one+");
  heap_optional<std::string> z;
  z = x;
  x.reset();
  ASSERT_TRUE(z);
  EXPECT_EQ(*z, "one");
  auto& same = z;
  z = same; // self-assignment keeps the value
  ASSERT_TRUE(z);
  EXPECT_EQ(*z, "one");
  auto moved = std::move(z);
  EXPECT_EQ(*moved, "one");
}

TEST(heap_optional, compares_by_presence_and_value) {
  heap_optional<std::string> none;
  heap_optional<std::string> a{std::string{"a"}};
  heap_optional<std::string> also_a{std::string{"a"}};
  heap_optional<std::string> b{std::string{"b"}};
  EXPECT_EQ(none, heap_optional<std::string>{});
  EXPECT_EQ(a, also_a);
  EXPECT_NE(a, b);
  EXPECT_NE(a, none);
  EXPECT_NE(none, a);
}

TEST(heap_optional, a_todo_with_a_recurrence_copies_it) {
  todo x;
  x.id = "t-1";
  recurrence rule;
  rule.rrule = "FREQ=WEEKLY;BYDAY=MO";
  x.recur = rule;
  auto y = x;
  y.recur->rrule = "FREQ=DAILY";
  EXPECT_EQ(x.recur->rrule, "FREQ=WEEKLY;BYDAY=MO");
  EXPECT_NE(x, y);
  y.recur = rule;
  EXPECT_EQ(x, y);
}
