#include <cmath>
#include <gtest/gtest.h>
#include <limits>

#include "actors/domain/validation.hpp"

using namespace actodo::actors::domain;
using nlohmann::json;

namespace {

/// Repeats `str` `n` times.
std::string rep(const std::string& str, size_t n) {
  std::string result;
  for (size_t i = 0; i < n; ++i)
    result += str;
  return result;
}

struct validation_tests : ::testing::Test {
  todo_patch out;

  /// Returns "field: detail" of the error or "ok".
  std::string check(const json& body, patch_mode mode = patch_mode::create) {
    out = todo_patch{};
    auto err = parse_patch(body, mode, out);
    return err ? err->field + ": " + err->detail : "ok";
  }

  std::string update(const json& body) {
    return check(body, patch_mode::update);
  }

  /// Returns just the field name of the error or "ok".
  std::string field_of(const json& body, patch_mode mode = patch_mode::create) {
    out = todo_patch{};
    auto err = parse_patch(body, mode, out);
    return err ? err->field : "ok";
  }
};

} // namespace

TEST_F(validation_tests, body_must_be_an_object) {
  for (auto body : {json::array(), json(nullptr), json("x"), json(1)})
    EXPECT_EQ(check(body), ": must be a JSON object");
  EXPECT_EQ(update(json::array()), ": must be a JSON object");
}

TEST_F(validation_tests, minimal_create) {
  EXPECT_EQ(check({{"title", "Buy milk"}}), "ok");
  ASSERT_TRUE(out.title.has_value());
  EXPECT_EQ(*out.title, "Buy milk");
  EXPECT_TRUE(!out.notes && !out.completed && !out.prio && !out.tags && !out.due
              && !out.order);
}

TEST_F(validation_tests, full_create) {
  json body{{"title", "T"},       {"notes", "N"},
            {"completed", true},  {"priority", "urgent"},
            {"tags", {"a", "B"}}, {"due", "2026-01-01T10:00:00+02:00"},
            {"order", -3.25}};
  EXPECT_EQ(check(body), "ok");
  EXPECT_EQ(*out.title, "T");
  EXPECT_EQ(*out.notes, "N");
  EXPECT_EQ(*out.completed, true);
  EXPECT_TRUE(*out.prio == priority::urgent);
  ASSERT_EQ(out.tags->size(), 2u);
  EXPECT_EQ(out.tags->at(1), "B");
  EXPECT_EQ(*out.due, "2026-01-01T10:00:00+02:00");
  EXPECT_EQ(*out.order, -3.25);
}

TEST_F(validation_tests, title_is_required_for_create_and_replace) {
  EXPECT_EQ(check(json::object()), "title: is required");
  EXPECT_EQ(check({{"notes", "x"}}), "title: is required");
  EXPECT_EQ(check({{"notes", "x"}}, patch_mode::replace), "title: is required");
  EXPECT_EQ(check({{"title", "x"}}, patch_mode::replace), "ok");
  EXPECT_EQ(update({{"notes", "x"}}), "ok");
}

TEST_F(validation_tests, update_needs_at_least_one_field) {
  EXPECT_EQ(update(json::object()), ": must contain at least one field");
  EXPECT_EQ(update({{"completed", false}}), "ok");
  EXPECT_EQ(*out.completed, false);
  EXPECT_TRUE(!out.title);
}

TEST_F(validation_tests, read_only_and_unknown_fields) {
  for (auto key :
       {"id", "created_at", "updated_at", "version", "completed_at", "url"}) {
    EXPECT_EQ(check({{"title", "x"}, {key, "1"}}),
              std::string{key} + ": read-only field");
    EXPECT_EQ(update({{key, nullptr}}), std::string{key} + ": read-only field");
  }
  EXPECT_EQ(check({{"title", "x"}, {"color", "red"}}), "color: unknown field");
  EXPECT_EQ(check({{"Title", "x"}}), "Title: unknown field");
  // Unknown keys are reported before missing required fields.
  EXPECT_EQ(check({{"foo", 1}}), "foo: unknown field");
}

TEST_F(validation_tests, wrong_types) {
  EXPECT_EQ(check({{"title", 1}}), "title: must be a string");
  EXPECT_EQ(check({{"title", nullptr}}), "title: must be a string");
  EXPECT_EQ(update({{"notes", 1}}), "notes: must be a string or null");
  EXPECT_EQ(update({{"completed", "true"}}), "completed: must be a boolean");
  EXPECT_EQ(update({{"completed", 1}}), "completed: must be a boolean");
  EXPECT_EQ(update({{"completed", nullptr}}), "completed: must be a boolean");
  EXPECT_EQ(update({{"priority", 3}}), "priority: must be a string");
  EXPECT_EQ(update({{"tags", "a"}}), "tags: must be an array");
  EXPECT_EQ(update({{"tags", nullptr}}), "tags: must be an array");
  EXPECT_EQ(update({{"tags", {"a", 1}}}), "tags/1: must be a string");
  EXPECT_EQ(update({{"due", 5}}), "due: must be a string or null");
  EXPECT_EQ(update({{"order", "1"}}), "order: must be a number");
  EXPECT_EQ(update({{"order", true}}), "order: must be a number");
  EXPECT_EQ(update({{"order", nullptr}}), "order: must be a number");
}

TEST_F(validation_tests, title_length_in_code_points) {
  auto too_long = "title: must be 1-500 characters";
  EXPECT_EQ(check({{"title", ""}}), too_long);
  EXPECT_EQ(check({{"title", "a"}}), "ok");
  EXPECT_EQ(check({{"title", rep("a", 500)}}), "ok");
  EXPECT_EQ(check({{"title", rep("a", 501)}}), too_long);
  // 500 x U+00E9 is 1000 bytes but only 500 code points.
  EXPECT_EQ(check({{"title", rep("\xC3\xA9", 500)}}), "ok");
  EXPECT_EQ(check({{"title", rep("\xC3\xA9", 501)}}), too_long);
  // 4-byte code points.
  EXPECT_EQ(check({{"title", rep("\xF0\x9F\x98\x80", 500)}}), "ok");
  EXPECT_EQ(check({{"title", rep("\xF0\x9F\x98\x80", 501)}}), too_long);
}

TEST_F(validation_tests, blank_titles) {
  auto blank = "title: must not consist of white space only";
  EXPECT_EQ(check({{"title", " "}}), blank);
  EXPECT_EQ(check({{"title", " \t\n "}}), blank);
  EXPECT_EQ(check({{"title", "\xC2\xA0"}}), blank);
  EXPECT_EQ(update({{"title", "   "}}), blank);
  EXPECT_EQ(check({{"title", " x "}}), "ok");
  EXPECT_EQ(*out.title, " x ");
}

TEST_F(validation_tests, notes) {
  EXPECT_EQ(update({{"notes", nullptr}}), "ok");
  ASSERT_TRUE(out.notes.has_value());
  EXPECT_EQ(*out.notes, "");
  EXPECT_EQ(update({{"notes", ""}}), "ok");
  EXPECT_EQ(update({{"notes", rep("n", 10000)}}), "ok");
  EXPECT_EQ(update({{"notes", rep("\xC3\xA9", 10000)}}), "ok");
  EXPECT_EQ(update({{"notes", rep("n", 10001)}}),
            "notes: must be at most 10000 characters");
}

TEST_F(validation_tests, priority_values) {
  for (auto name : {"none", "low", "medium", "high", "urgent"}) {
    EXPECT_EQ(update({{"priority", name}}), "ok");
    EXPECT_EQ(to_string(*out.prio), name);
  }
  auto bad = "priority: must be one of none, low, medium, high, urgent";
  EXPECT_EQ(update({{"priority", "High"}}), bad);
  EXPECT_EQ(update({{"priority", ""}}), bad);
  EXPECT_EQ(update({{"priority", "critical"}}), bad);
}

TEST_F(validation_tests, tag_count) {
  std::vector<std::string> tags;
  for (int i = 0; i < 20; ++i)
    tags.push_back("t" + std::to_string(i));
  EXPECT_EQ(update({{"tags", tags}}), "ok");
  EXPECT_EQ(out.tags->size(), 20u);
  tags.push_back("t20");
  EXPECT_EQ(update({{"tags", tags}}), "tags: must have at most 20 entries");
  EXPECT_EQ(update({{"tags", json::array()}}), "ok");
  EXPECT_TRUE(out.tags->empty());
}

TEST_F(validation_tests, tag_length) {
  auto bad = ": must be 1-50 characters";
  EXPECT_EQ(update({{"tags", {rep("a", 50)}}}), "ok");
  EXPECT_EQ(update({{"tags", {"x", rep("a", 51)}}}),
            std::string{"tags/1"} + bad);
  EXPECT_EQ(update({{"tags", {rep("\xC3\xA9", 50)}}}), "ok");
  EXPECT_EQ(update({{"tags", {rep("\xC3\xA9", 51)}}}),
            std::string{"tags/0"} + bad);
  EXPECT_EQ(update({{"tags", {"a", "b", ""}}}), std::string{"tags/2"} + bad);
}

TEST_F(validation_tests, duplicate_tags_ignore_ascii_case) {
  auto dup = "duplicate tag (tags are compared ignoring case)";
  EXPECT_EQ(update({{"tags", {"work", "home", "Work"}}}),
            std::string{"tags/2: "} + dup);
  EXPECT_EQ(update({{"tags", {"a", "a"}}}), std::string{"tags/1: "} + dup);
  EXPECT_EQ(update({{"tags", {"work", "works"}}}), "ok");
  // Case folding is ASCII only: É and é are different tags.
  EXPECT_EQ(update({{"tags", {"\xC3\x89", "\xC3\xA9"}}}), "ok");
}

TEST_F(validation_tests, due) {
  for (auto str : {"2026-03-01", "2024-02-29", "2026-03-01T10:00:00Z",
                   "2026-03-01T10:00:00.5-05:00", "2026-03-01t10:00:00z"}) {
    EXPECT_EQ(update({{"due", str}}), "ok");
    EXPECT_EQ(*out.due, str); // kept exactly as given
  }
  auto bad = "due: must be an RFC 3339 date or date-time with time zone offset";
  for (auto str : {"2023-02-29", "2026-03-01T10:00:00", "tomorrow", "",
                   "2026-03-01T24:00:00Z", "03/01/2026"})
    EXPECT_EQ(update({{"due", str}}), bad);
  EXPECT_EQ(update({{"due", nullptr}}), "ok");
  ASSERT_TRUE(out.due.has_value());
  EXPECT_EQ(*out.due, "");
}

TEST_F(validation_tests, order) {
  EXPECT_EQ(update({{"order", 0}}), "ok");
  EXPECT_EQ(*out.order, 0.0);
  EXPECT_EQ(update({{"order", -7}}), "ok");
  EXPECT_EQ(*out.order, -7.0);
  EXPECT_EQ(update({{"order", 18446744073709551615u}}), "ok");
  EXPECT_EQ(update(json::parse(R"({"order": 1e308})")), "ok");
  EXPECT_EQ(update({{"order", std::numeric_limits<double>::infinity()}}),
            "order: must be a finite number");
  EXPECT_EQ(update({{"order", std::nan("")}}),
            "order: must be a finite number");
}

TEST_F(validation_tests, errors_come_in_a_fixed_order) {
  // Several bad fields: the first in title, notes, completed, priority, tags,
  // due, order wins, regardless of key order in the document.
  json body{{"order", "x"}, {"due", 1}, {"priority", 1}, {"title", 1}};
  EXPECT_EQ(field_of(body), "title");
  body["title"] = "ok";
  EXPECT_EQ(field_of(body), "priority");
  body["priority"] = "low";
  EXPECT_EQ(field_of(body), "due");
  body["due"] = nullptr;
  EXPECT_EQ(field_of(body), "order");
  body["order"] = 1;
  EXPECT_EQ(field_of(body), "ok");
}

TEST_F(validation_tests, out_is_untouched_on_error) {
  todo_patch p;
  p.title = "keep";
  auto err = parse_patch({{"title", "new"}, {"order", "x"}}, patch_mode::create,
                         p);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "order");
  EXPECT_EQ(*p.title, "keep");
}

TEST_F(validation_tests,
       titles_and_tags_refuse_C0_control_characters_except_tab) {
  EXPECT_EQ(check(json{{"title", std::string{"a\0b", 3}}}),
            "title: must not contain control characters (except tab)");
  EXPECT_EQ(check(json{{"title", "line\nbreak"}}).substr(0, 6), "title:");
  EXPECT_EQ(check(json{{"title", "x\x1f"}}).substr(0, 6), "title:");
  EXPECT_EQ(check(json{{"title", "a\tb"}}), "ok");
  EXPECT_EQ(check(json{{"title", "t"}, {"tags", {"ok", "x\x01"}}}).substr(0, 7),
            "tags/1:");
  EXPECT_EQ(check(json{{"title", "t"}, {"tags", {"a\tb"}}}), "ok");
  EXPECT_EQ(check(json{{"title", "x\x7f"}}), "ok");
}

TEST_F(validation_tests,
       a_body_that_leaves_the_todo_without_due_brings_no_schedule) {
  json daily{{"rrule", "FREQ=DAILY"}};
  EXPECT_EQ(check(json{{"title", "t"}, {"recurrence", daily}}),
            "recurrence: a recurring todo needs a due date");
  EXPECT_EQ(
    check(json{{"title", "t"}, {"due", nullptr}, {"recurrence", daily}}),
    "recurrence: a recurring todo needs a due date");
  EXPECT_EQ(check(json{{"title", "t"}, {"reminders", {{{"offset", "-PT5M"}}}}}),
            "reminders/0/offset: a reminder relative to due needs a due "
            "date");
  EXPECT_EQ(check(json{{"title", "t"},
                       {"reminders", {{{"at", "2030-01-01T00:00:00Z"}}}}}),
            "ok");
  EXPECT_EQ(check(json{{"title", "t"}, {"recurrence", nullptr}}), "ok");
  EXPECT_EQ(
    check(json{{"title", "t"}, {"due", "2026-01-01"}, {"recurrence", daily}}),
    "ok");
  // An update only knows what it clears; the todo list checks the rest.
  EXPECT_EQ(check(json{{"recurrence", daily}}, patch_mode::update), "ok");
  EXPECT_EQ(check(json{{"due", nullptr}, {"recurrence", daily}},
                  patch_mode::update),
            "recurrence: a recurring todo needs a due date");
}
