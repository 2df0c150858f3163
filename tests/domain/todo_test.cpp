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
  x.completed_ms = 1767323045006; // 2026-01-02T03:04:05.006Z
  x.prio = priority::high;
  x.tags = {"home", "shopping"};
  x.due = "2026-01-03";
  x.order = 2.5;
  x.created_ms = 1767225600000; // 2026-01-01T00:00:00.000Z
  x.updated_ms = 1767323045006;
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
  EXPECT_EQ(obj.size(), 18u);
  EXPECT_EQ(obj.at("project_id"), "p_inbox");
  EXPECT_TRUE(obj.at("parent_id").is_null());
  EXPECT_EQ(obj.at("archived"), false);
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
  // Numbers that are not int64_t integers are refused, not converted (a
  // double out of range is undefined behaviour; found by the fuzzer).
  for (auto version : {json(3.7e112), json(2.5), json(-1e300),
                       json(uint64_t{18446744073709551615u})}) {
    auto x = obj;
    x["version"] = version;
    EXPECT_TRUE(throws(x)) << version;
  }
  auto recurring = obj;
  recurring["recurrence"] = {{"rrule", "FREQ=DAILY"}, {"index", 3.7e112}};
  EXPECT_TRUE(throws(recurring));
  recurring["recurrence"]["index"] = 4;
  EXPECT_FALSE(throws(recurring));
}

namespace {

std::string tree_text(const todo& x) {
  return to_json(x).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string direct_text(const todo& x) {
  std::string out = "prefix:";
  actodo::actors::domain::append_json(out, x);
  return out.substr(7);
}

} // namespace

TEST(todo_json, direct_text_is_the_trees_text) {
  using namespace actodo::actors::domain;
  std::vector<todo> cases;
  cases.push_back(sample());
  cases.push_back(todo{}); // Empty strings, nulls, version 1.
  auto tricky = sample();
  tricky.title = "quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f";
  tricky.notes = std::string{"ctl \x01\x1f del \x7f nul "} + '\0' + " end";
  tricky.tags = {"ünïcödé", "日本語", "emoji 😀", ""};
  tricky.time_zone = "Europe/Berlin";
  tricky.completed = false;
  tricky.completed_ms.reset();
  tricky.due = "2026-03-01T09:00:00+01:00";
  tricky.version = 9007199254740993;
  cases.push_back(tricky);
  for (double order : {0.0, -0.5, 1.0, 0.1, 1e300, -2.5e-8, 123456789.125}) {
    auto x = sample();
    x.order = order;
    cases.push_back(x);
  }
  auto scheduled = sample();
  scheduled.completed = false;
  scheduled.due = "2026-03-01T09:00:00Z";
  reminder by_offset;
  by_offset.offset_ms = -15 * 60 * 1000;
  reminder at;
  at.at = "2026-02-28T08:00:00Z";
  at.misfire = misfire_policy::skip;
  at.state = reminder_state::fired;
  at.fired_at = "2026-02-28T08:00:00.010Z";
  at.snoozed_until = 1772323200000;
  scheduled.reminders = {by_offset, at};
  recurrence rule;
  rule.rrule = "FREQ=WEEKLY;BYDAY=MO";
  rule.exdates = {"2026-03-09"};
  rule.series_id = "t-1";
  rule.index = 4;
  rule.next_id = "t-2";
  rule.end_reason = "";
  scheduled.recur = rule;
  cases.push_back(scheduled);
  for (auto& x : cases)
    EXPECT_EQ(direct_text(x), tree_text(x)) << tree_text(x);
}
