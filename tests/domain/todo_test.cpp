#define CAF_SUITE domain.todo

#include "caf/test/unit_test.hpp"

#include "actors/domain/todo.hpp"

using actodo::domain::parse_priority;
using actodo::domain::priority;
using actodo::domain::to_json;
using actodo::domain::todo;
using actodo::domain::todo_from_json;
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

CAF_TEST(priority names) {
  CAF_CHECK_EQUAL(to_string(priority::none), "none");
  CAF_CHECK_EQUAL(to_string(priority::low), "low");
  CAF_CHECK_EQUAL(to_string(priority::medium), "medium");
  CAF_CHECK_EQUAL(to_string(priority::high), "high");
  CAF_CHECK_EQUAL(to_string(priority::urgent), "urgent");
  for (auto x : {priority::none, priority::low, priority::medium,
                 priority::high, priority::urgent}) {
    auto y = parse_priority(to_string(x));
    CAF_REQUIRE(y.has_value());
    CAF_CHECK(*y == x);
  }
  CAF_CHECK(!parse_priority("HIGH").has_value());
  CAF_CHECK(!parse_priority("").has_value());
  CAF_CHECK(!parse_priority("critical").has_value());
}

CAF_TEST(to_json renders all keys) {
  auto obj = to_json(sample());
  CAF_CHECK_EQUAL(obj.size(), 15u);
  CAF_CHECK_EQUAL(obj.at("id"), "t-1");
  CAF_CHECK_EQUAL(obj.at("title"), "Buy milk");
  CAF_CHECK_EQUAL(obj.at("notes"), "2 liters");
  CAF_CHECK_EQUAL(obj.at("completed"), true);
  CAF_CHECK_EQUAL(obj.at("completed_at"), "2026-01-02T03:04:05.006Z");
  CAF_CHECK_EQUAL(obj.at("priority"), "high");
  CAF_CHECK_EQUAL(obj.at("tags"), json::array({"home", "shopping"}));
  CAF_CHECK_EQUAL(obj.at("due"), "2026-01-03");
  CAF_CHECK_EQUAL(obj.at("order"), 2.5);
  CAF_CHECK_EQUAL(obj.at("created_at"), "2026-01-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(obj.at("updated_at"), "2026-01-02T03:04:05.006Z");
  CAF_CHECK_EQUAL(obj.at("version"), 3);
  CAF_CHECK(obj.at("time_zone").is_null());
  CAF_CHECK_EQUAL(obj.at("reminders"), json::array());
  CAF_CHECK(obj.at("recurrence").is_null());
}

CAF_TEST(to_json renders empty optionals as null) {
  todo x;
  x.id = "a";
  auto obj = to_json(x);
  CAF_CHECK(obj.at("completed_at").is_null());
  CAF_CHECK(obj.at("due").is_null());
  CAF_CHECK(obj.at("tags").is_array());
  CAF_CHECK(obj.at("tags").empty());
  CAF_CHECK_EQUAL(obj.at("priority"), "none");
  CAF_CHECK_EQUAL(obj.at("version"), 1);
}

CAF_TEST(round trip) {
  auto x = sample();
  CAF_CHECK(todo_from_json(to_json(x)) == x);
  CAF_CHECK(todo_from_json(json::parse(to_json(x).dump())) == x);
  todo y;
  y.id = "b";
  y.title = "x";
  CAF_CHECK(todo_from_json(to_json(y)) == y);
}

CAF_TEST(from_json rejects bad input) {
  auto obj = to_json(sample());
  auto throws = [](const json& x) {
    try {
      todo_from_json(x);
    } catch (const json::exception&) {
      return true;
    }
    return false;
  };
  CAF_CHECK(!throws(obj));
  CAF_CHECK(throws(json::array()));
  auto without_id = obj;
  without_id.erase("id");
  CAF_CHECK(throws(without_id));
  auto bad_prio = obj;
  bad_prio["priority"] = "critical";
  CAF_CHECK(throws(bad_prio));
  auto bad_version = obj;
  bad_version["version"] = "3";
  CAF_CHECK(throws(bad_version));
  auto bad_tags = obj;
  bad_tags["tags"] = json::array({1, 2});
  CAF_CHECK(throws(bad_tags));
}
