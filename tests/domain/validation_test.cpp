#define CAF_SUITE domain.validation

#include <cmath>
#include <limits>

#include "caf/test/unit_test.hpp"

#include "actors/domain/validation.hpp"

using namespace actodo::domain;
using nlohmann::json;

namespace {

/// Repeats `str` `n` times.
std::string rep(const std::string& str, size_t n) {
  std::string result;
  for (size_t i = 0; i < n; ++i)
    result += str;
  return result;
}

struct fixture {
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

CAF_TEST_FIXTURE_SCOPE(validation_tests, fixture)

CAF_TEST(body must be an object) {
  for (auto body : {json::array(), json(nullptr), json("x"), json(1)})
    CAF_CHECK_EQUAL(check(body), ": must be a JSON object");
  CAF_CHECK_EQUAL(update(json::array()), ": must be a JSON object");
}

CAF_TEST(minimal create) {
  CAF_CHECK_EQUAL(check({{"title", "Buy milk"}}), "ok");
  CAF_REQUIRE(out.title.has_value());
  CAF_CHECK_EQUAL(*out.title, "Buy milk");
  CAF_CHECK(!out.notes && !out.completed && !out.prio && !out.tags && !out.due
            && !out.order);
}

CAF_TEST(full create) {
  json body{{"title", "T"},       {"notes", "N"},
            {"completed", true},  {"priority", "urgent"},
            {"tags", {"a", "B"}}, {"due", "2026-01-01T10:00:00+02:00"},
            {"order", -3.25}};
  CAF_CHECK_EQUAL(check(body), "ok");
  CAF_CHECK_EQUAL(*out.title, "T");
  CAF_CHECK_EQUAL(*out.notes, "N");
  CAF_CHECK_EQUAL(*out.completed, true);
  CAF_CHECK(*out.prio == priority::urgent);
  CAF_REQUIRE_EQUAL(out.tags->size(), 2u);
  CAF_CHECK_EQUAL(out.tags->at(1), "B");
  CAF_CHECK_EQUAL(*out.due, "2026-01-01T10:00:00+02:00");
  CAF_CHECK_EQUAL(*out.order, -3.25);
}

CAF_TEST(title is required for create and replace) {
  CAF_CHECK_EQUAL(check(json::object()), "title: is required");
  CAF_CHECK_EQUAL(check({{"notes", "x"}}), "title: is required");
  CAF_CHECK_EQUAL(check({{"notes", "x"}}, patch_mode::replace),
                  "title: is required");
  CAF_CHECK_EQUAL(check({{"title", "x"}}, patch_mode::replace), "ok");
  CAF_CHECK_EQUAL(update({{"notes", "x"}}), "ok");
}

CAF_TEST(update needs at least one field) {
  CAF_CHECK_EQUAL(update(json::object()), ": must contain at least one field");
  CAF_CHECK_EQUAL(update({{"completed", false}}), "ok");
  CAF_CHECK_EQUAL(*out.completed, false);
  CAF_CHECK(!out.title);
}

CAF_TEST(read - only and unknown fields) {
  for (auto key :
       {"id", "created_at", "updated_at", "version", "completed_at", "url"}) {
    CAF_CHECK_EQUAL(check({{"title", "x"}, {key, "1"}}),
                    std::string{key} + ": read-only field");
    CAF_CHECK_EQUAL(update({{key, nullptr}}),
                    std::string{key} + ": read-only field");
  }
  CAF_CHECK_EQUAL(check({{"title", "x"}, {"color", "red"}}),
                  "color: unknown field");
  CAF_CHECK_EQUAL(check({{"Title", "x"}}), "Title: unknown field");
  // Unknown keys are reported before missing required fields.
  CAF_CHECK_EQUAL(check({{"foo", 1}}), "foo: unknown field");
}

CAF_TEST(wrong types) {
  CAF_CHECK_EQUAL(check({{"title", 1}}), "title: must be a string");
  CAF_CHECK_EQUAL(check({{"title", nullptr}}), "title: must be a string");
  CAF_CHECK_EQUAL(update({{"notes", 1}}), "notes: must be a string or null");
  CAF_CHECK_EQUAL(update({{"completed", "true"}}),
                  "completed: must be a boolean");
  CAF_CHECK_EQUAL(update({{"completed", 1}}), "completed: must be a boolean");
  CAF_CHECK_EQUAL(update({{"completed", nullptr}}),
                  "completed: must be a boolean");
  CAF_CHECK_EQUAL(update({{"priority", 3}}), "priority: must be a string");
  CAF_CHECK_EQUAL(update({{"tags", "a"}}), "tags: must be an array");
  CAF_CHECK_EQUAL(update({{"tags", nullptr}}), "tags: must be an array");
  CAF_CHECK_EQUAL(update({{"tags", {"a", 1}}}), "tags/1: must be a string");
  CAF_CHECK_EQUAL(update({{"due", 5}}), "due: must be a string or null");
  CAF_CHECK_EQUAL(update({{"order", "1"}}), "order: must be a number");
  CAF_CHECK_EQUAL(update({{"order", true}}), "order: must be a number");
  CAF_CHECK_EQUAL(update({{"order", nullptr}}), "order: must be a number");
}

CAF_TEST(title length in code points) {
  auto too_long = "title: must be 1-500 characters";
  CAF_CHECK_EQUAL(check({{"title", ""}}), too_long);
  CAF_CHECK_EQUAL(check({{"title", "a"}}), "ok");
  CAF_CHECK_EQUAL(check({{"title", rep("a", 500)}}), "ok");
  CAF_CHECK_EQUAL(check({{"title", rep("a", 501)}}), too_long);
  // 500 x U+00E9 is 1000 bytes but only 500 code points.
  CAF_CHECK_EQUAL(check({{"title", rep("\xC3\xA9", 500)}}), "ok");
  CAF_CHECK_EQUAL(check({{"title", rep("\xC3\xA9", 501)}}), too_long);
  // 4-byte code points.
  CAF_CHECK_EQUAL(check({{"title", rep("\xF0\x9F\x98\x80", 500)}}), "ok");
  CAF_CHECK_EQUAL(check({{"title", rep("\xF0\x9F\x98\x80", 501)}}), too_long);
}

CAF_TEST(blank titles) {
  auto blank = "title: must not consist of white space only";
  CAF_CHECK_EQUAL(check({{"title", " "}}), blank);
  CAF_CHECK_EQUAL(check({{"title", " \t\n "}}), blank);
  CAF_CHECK_EQUAL(check({{"title", "\xC2\xA0"}}), blank);
  CAF_CHECK_EQUAL(update({{"title", "   "}}), blank);
  CAF_CHECK_EQUAL(check({{"title", " x "}}), "ok");
  CAF_CHECK_EQUAL(*out.title, " x ");
}

CAF_TEST(notes) {
  CAF_CHECK_EQUAL(update({{"notes", nullptr}}), "ok");
  CAF_REQUIRE(out.notes.has_value());
  CAF_CHECK_EQUAL(*out.notes, "");
  CAF_CHECK_EQUAL(update({{"notes", ""}}), "ok");
  CAF_CHECK_EQUAL(update({{"notes", rep("n", 10000)}}), "ok");
  CAF_CHECK_EQUAL(update({{"notes", rep("\xC3\xA9", 10000)}}), "ok");
  CAF_CHECK_EQUAL(update({{"notes", rep("n", 10001)}}),
                  "notes: must be at most 10000 characters");
}

CAF_TEST(priority values) {
  for (auto name : {"none", "low", "medium", "high", "urgent"}) {
    CAF_CHECK_EQUAL(update({{"priority", name}}), "ok");
    CAF_CHECK_EQUAL(to_string(*out.prio), name);
  }
  auto bad = "priority: must be one of none, low, medium, high, urgent";
  CAF_CHECK_EQUAL(update({{"priority", "High"}}), bad);
  CAF_CHECK_EQUAL(update({{"priority", ""}}), bad);
  CAF_CHECK_EQUAL(update({{"priority", "critical"}}), bad);
}

CAF_TEST(tag count) {
  std::vector<std::string> tags;
  for (int i = 0; i < 20; ++i)
    tags.push_back("t" + std::to_string(i));
  CAF_CHECK_EQUAL(update({{"tags", tags}}), "ok");
  CAF_CHECK_EQUAL(out.tags->size(), 20u);
  tags.push_back("t20");
  CAF_CHECK_EQUAL(update({{"tags", tags}}),
                  "tags: must have at most 20 entries");
  CAF_CHECK_EQUAL(update({{"tags", json::array()}}), "ok");
  CAF_CHECK(out.tags->empty());
}

CAF_TEST(tag length) {
  auto bad = ": must be 1-50 characters";
  CAF_CHECK_EQUAL(update({{"tags", {rep("a", 50)}}}), "ok");
  CAF_CHECK_EQUAL(update({{"tags", {"x", rep("a", 51)}}}),
                  std::string{"tags/1"} + bad);
  CAF_CHECK_EQUAL(update({{"tags", {rep("\xC3\xA9", 50)}}}), "ok");
  CAF_CHECK_EQUAL(update({{"tags", {rep("\xC3\xA9", 51)}}}),
                  std::string{"tags/0"} + bad);
  CAF_CHECK_EQUAL(update({{"tags", {"a", "b", ""}}}),
                  std::string{"tags/2"} + bad);
}

CAF_TEST(duplicate tags ignore ascii case) {
  auto dup = "duplicate tag (tags are compared ignoring case)";
  CAF_CHECK_EQUAL(update({{"tags", {"work", "home", "Work"}}}),
                  std::string{"tags/2: "} + dup);
  CAF_CHECK_EQUAL(update({{"tags", {"a", "a"}}}),
                  std::string{"tags/1: "} + dup);
  CAF_CHECK_EQUAL(update({{"tags", {"work", "works"}}}), "ok");
  // Case folding is ASCII only: É and é are different tags.
  CAF_CHECK_EQUAL(update({{"tags", {"\xC3\x89", "\xC3\xA9"}}}), "ok");
}

CAF_TEST(due) {
  for (auto str : {"2026-03-01", "2024-02-29", "2026-03-01T10:00:00Z",
                   "2026-03-01T10:00:00.5-05:00", "2026-03-01t10:00:00z"}) {
    CAF_CHECK_EQUAL(update({{"due", str}}), "ok");
    CAF_CHECK_EQUAL(*out.due, str); // kept exactly as given
  }
  auto bad = "due: must be an RFC 3339 date or date-time with time zone offset";
  for (auto str : {"2023-02-29", "2026-03-01T10:00:00", "tomorrow", "",
                   "2026-03-01T24:00:00Z", "03/01/2026"})
    CAF_CHECK_EQUAL(update({{"due", str}}), bad);
  CAF_CHECK_EQUAL(update({{"due", nullptr}}), "ok");
  CAF_REQUIRE(out.due.has_value());
  CAF_CHECK_EQUAL(*out.due, "");
}

CAF_TEST(order) {
  CAF_CHECK_EQUAL(update({{"order", 0}}), "ok");
  CAF_CHECK_EQUAL(*out.order, 0.0);
  CAF_CHECK_EQUAL(update({{"order", -7}}), "ok");
  CAF_CHECK_EQUAL(*out.order, -7.0);
  CAF_CHECK_EQUAL(update({{"order", 18446744073709551615u}}), "ok");
  CAF_CHECK_EQUAL(update(json::parse(R"({"order": 1e308})")), "ok");
  CAF_CHECK_EQUAL(update({{"order", std::numeric_limits<double>::infinity()}}),
                  "order: must be a finite number");
  CAF_CHECK_EQUAL(update({{"order", std::nan("")}}),
                  "order: must be a finite number");
}

CAF_TEST(errors come in a fixed order) {
  // Several bad fields: the first in title, notes, completed, priority, tags,
  // due, order wins, regardless of key order in the document.
  json body{{"order", "x"}, {"due", 1}, {"priority", 1}, {"title", 1}};
  CAF_CHECK_EQUAL(field_of(body), "title");
  body["title"] = "ok";
  CAF_CHECK_EQUAL(field_of(body), "priority");
  body["priority"] = "low";
  CAF_CHECK_EQUAL(field_of(body), "due");
  body["due"] = nullptr;
  CAF_CHECK_EQUAL(field_of(body), "order");
  body["order"] = 1;
  CAF_CHECK_EQUAL(field_of(body), "ok");
}

CAF_TEST(out is untouched on error) {
  todo_patch p;
  p.title = "keep";
  auto err = parse_patch({{"title", "new"}, {"order", "x"}}, patch_mode::create,
                         p);
  CAF_REQUIRE(err.has_value());
  CAF_CHECK_EQUAL(err->field, "order");
  CAF_CHECK_EQUAL(*p.title, "keep");
}

CAF_TEST(titles and tags refuse C0 control characters except tab) {
  CAF_CHECK_EQUAL(check(json{{"title", std::string{"a\0b", 3}}}),
                  "title: must not contain control characters (except tab)");
  CAF_CHECK_EQUAL(check(json{{"title", "line\nbreak"}}).substr(0, 6), "title:");
  CAF_CHECK_EQUAL(check(json{{"title", "x\x1f"}}).substr(0, 6), "title:");
  CAF_CHECK_EQUAL(check(json{{"title", "a\tb"}}), "ok");
  CAF_CHECK_EQUAL(
    check(json{{"title", "t"}, {"tags", {"ok", "x\x01"}}}).substr(0, 7),
    "tags/1:");
  CAF_CHECK_EQUAL(check(json{{"title", "t"}, {"tags", {"a\tb"}}}), "ok");
  CAF_CHECK_EQUAL(check(json{{"title", "x\x7f"}}), "ok");
}

CAF_TEST(a body that leaves the todo without due brings no schedule) {
  json daily{{"rrule", "FREQ=DAILY"}};
  CAF_CHECK_EQUAL(check(json{{"title", "t"}, {"recurrence", daily}}),
                  "recurrence: a recurring todo needs a due date");
  CAF_CHECK_EQUAL(
    check(json{{"title", "t"}, {"due", nullptr}, {"recurrence", daily}}),
    "recurrence: a recurring todo needs a due date");
  CAF_CHECK_EQUAL(
    check(json{{"title", "t"}, {"reminders", {{{"offset", "-PT5M"}}}}}),
    "reminders/0/offset: a reminder relative to due needs a due "
    "date");
  CAF_CHECK_EQUAL(
    check(
      json{{"title", "t"}, {"reminders", {{{"at", "2030-01-01T00:00:00Z"}}}}}),
    "ok");
  CAF_CHECK_EQUAL(check(json{{"title", "t"}, {"recurrence", nullptr}}), "ok");
  CAF_CHECK_EQUAL(
    check(json{{"title", "t"}, {"due", "2026-01-01"}, {"recurrence", daily}}),
    "ok");
  // An update only knows what it clears; the todo list checks the rest.
  CAF_CHECK_EQUAL(check(json{{"recurrence", daily}}, patch_mode::update), "ok");
  CAF_CHECK_EQUAL(check(json{{"due", nullptr}, {"recurrence", daily}},
                        patch_mode::update),
                  "recurrence: a recurring todo needs a due date");
}

CAF_TEST_FIXTURE_SCOPE_END()
