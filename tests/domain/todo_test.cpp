#include <gtest/gtest.h>

#include "actors/domain/todo.hpp"

using actodo::actors::domain::parse_priority;
using actodo::actors::domain::priority;
using actodo::actors::domain::to_json;
using actodo::actors::domain::todo;
using actodo::actors::domain::todo_from_json;
using nlohmann::json;

namespace {

todo sample() {
  todo x;
  x.id = "t-1";
  x.title = "Buy milk";
  x.notes = "2 liters";
  x.completed = true;
  x.completed_at = "2026-01-02T03:04:05.006Z";
  x.prio = priority::high;
  x.tags = {"home", "shopping"};
  x.due = "2026-01-03";
  x.order = 2.5;
  x.created_at = "2026-01-01T00:00:00.000Z";
  x.updated_at = "2026-01-02T03:04:05.006Z";
  x.version = 3;
  return x;
}

} // namespace

TEST(todo, priority_names) {
  EXPECT_EQ(to_string(priority::none), "none");
  EXPECT_EQ(to_string(priority::low), "low");
  EXPECT_EQ(to_string(priority::medium), "medium");
  EXPECT_EQ(to_string(priority::high), "high");
  EXPECT_EQ(to_string(priority::urgent), "urgent");
  for (auto x : {priority::none, priority::low, priority::medium,
                 priority::high, priority::urgent}) {
    auto y = parse_priority(to_string(x));
    ASSERT_TRUE(y.has_value());
    EXPECT_TRUE(*y == x);
  }
  EXPECT_TRUE(!parse_priority("HIGH").has_value());
  EXPECT_TRUE(!parse_priority("").has_value());
  EXPECT_TRUE(!parse_priority("critical").has_value());
}

TEST(todo, to_json_renders_all_keys) {
  auto obj = to_json(sample());
  EXPECT_EQ(obj.size(), 15u);
  EXPECT_EQ(obj.at("id"), "t-1");
  EXPECT_EQ(obj.at("title"), "Buy milk");
  EXPECT_EQ(obj.at("notes"), "2 liters");
  EXPECT_EQ(obj.at("completed"), true);
  EXPECT_EQ(obj.at("completed_at"), "2026-01-02T03:04:05.006Z");
  EXPECT_EQ(obj.at("priority"), "high");
  EXPECT_EQ(obj.at("tags"), json::array({"home", "shopping"}));
  EXPECT_EQ(obj.at("due"), "2026-01-03");
  EXPECT_EQ(obj.at("order"), 2.5);
  EXPECT_EQ(obj.at("created_at"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(obj.at("updated_at"), "2026-01-02T03:04:05.006Z");
  EXPECT_EQ(obj.at("version"), 3);
  EXPECT_TRUE(obj.at("time_zone").is_null());
  EXPECT_EQ(obj.at("reminders"), json::array());
  EXPECT_TRUE(obj.at("recurrence").is_null());
}

TEST(todo, to_json_renders_empty_optionals_as_null) {
  todo x;
  x.id = "a";
  auto obj = to_json(x);
  EXPECT_TRUE(obj.at("completed_at").is_null());
  EXPECT_TRUE(obj.at("due").is_null());
  EXPECT_TRUE(obj.at("tags").is_array());
  EXPECT_TRUE(obj.at("tags").empty());
  EXPECT_EQ(obj.at("priority"), "none");
  EXPECT_EQ(obj.at("version"), 1);
}

TEST(todo, round_trip) {
  auto x = sample();
  EXPECT_TRUE(todo_from_json(to_json(x)) == x);
  EXPECT_TRUE(todo_from_json(json::parse(to_json(x).dump())) == x);
  todo y;
  y.id = "b";
  y.title = "x";
  EXPECT_TRUE(todo_from_json(to_json(y)) == y);
}

TEST(todo, from_json_rejects_bad_input) {
  auto obj = to_json(sample());
  auto throws = [](const json& x) {
    try {
      todo_from_json(x);
    } catch (const json::exception&) {
      return true;
    }
    return false;
  };
  EXPECT_TRUE(!throws(obj));
  EXPECT_TRUE(throws(json::array()));
  auto without_id = obj;
  without_id.erase("id");
  EXPECT_TRUE(throws(without_id));
  auto bad_prio = obj;
  bad_prio["priority"] = "critical";
  EXPECT_TRUE(throws(bad_prio));
  auto bad_version = obj;
  bad_version["version"] = "3";
  EXPECT_TRUE(throws(bad_version));
  auto bad_tags = obj;
  bad_tags["tags"] = json::array({1, 2});
  EXPECT_TRUE(throws(bad_tags));
}
