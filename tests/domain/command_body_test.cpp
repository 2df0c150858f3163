#include <gtest/gtest.h>
#include <string>

#include "io/codec/command_body.hpp"

using namespace actodo::actors::domain;
using namespace actodo::io::codec;
using nlohmann::json;

namespace {

// 2026-03-01T00:00:00Z
constexpr int64_t now = 1772323200000;

/// "field: detail" of the error parsing `text`, or "ok".
std::string parse(std::string_view text) {
  json out;
  auto err = parse_client_json(text, out);
  return err ? err->field + ": " + err->detail : "ok";
}

/// "field: detail" of the error decoding `text` as a todo body, or "ok".
std::string decode(std::string_view text, bool create = true,
                   std::string_view prefix = {}) {
  json body;
  auto err = parse_client_json(text, body);
  todo_patch patch;
  std::string canonical_text;
  if (!err)
    err = decode_todo_body(body, create, patch, canonical_text, prefix);
  return err ? err->field + ": " + err->detail : "ok";
}

} // namespace

TEST(command_body, malformed_json_names_no_field) {
  static constexpr char garbage[] = "\x00\xff garbage \xfe";
  auto invalid = ": the body is not valid JSON (UTF-8)";
  for (std::string text :
       {std::string{garbage, sizeof garbage - 1}, std::string{},
        std::string{R"({"title": "abc")"}, std::string{R"({"title": "abc",})"},
        std::string{R"({"title": "x"} trailing)"},
        std::string{"{'title': 'single quotes'}"}})
    EXPECT_EQ(parse(text), invalid) << text;
}

TEST(command_body, invalid_utf8_and_lone_surrogates_do_not_parse) {
  auto invalid = ": the body is not valid JSON (UTF-8)";
  EXPECT_EQ(parse("{\"title\": \"bad \xff\xfe bytes\"}"), invalid);
  EXPECT_EQ(parse("{\"title\": \"ok\", \"notes\": \"\xc3\x28\"}"), invalid);
  EXPECT_EQ(parse(R"({"title": "lone surrogate \ud800"})"), invalid);
  EXPECT_EQ(parse(R"({"title": "pair \ud83d\ude00"})"), "ok");
}

TEST(command_body, json_that_is_no_object_is_no_todo_body) {
  for (auto text :
       {R"(["title"])", "[]", R"("just a string")", "42", "null", "true"}) {
    EXPECT_EQ(decode(text), ": must be a JSON object") << text;
    EXPECT_EQ(decode(text, false), ": must be a JSON object") << text;
  }
}

TEST(command_body, nesting_is_limited_before_parsing) {
  auto nested = [](int depth) {
    return R"({"title":"x","notes":)" + std::string(depth - 1, '[')
           + std::string(depth - 1, ']') + "}";
  };
  EXPECT_TRUE(within_depth(nested(32), max_json_depth));
  EXPECT_FALSE(within_depth(nested(33), max_json_depth));
  EXPECT_EQ(parse(nested(41)), ": JSON nested deeper than 32");
  // Brackets inside strings (even after escaped quotes) do not count.
  auto quoted = R"({"title":"\")" + std::string(40, '[') + "\"}";
  EXPECT_TRUE(within_depth(quoted, max_json_depth));
  EXPECT_EQ(decode(quoted), "ok");
}

TEST(command_body, errors_of_a_frame_body_carry_the_prefix) {
  EXPECT_EQ(decode(R"({"title":42})", true, "body"),
            "body/title: must be a string");
  EXPECT_EQ(decode("{}", true, "body"), "body/title: is required");
  EXPECT_EQ(decode(R"({"title":"x","colour":"red"})", true, "body"),
            "body/colour: unknown field");
  EXPECT_EQ(decode(R"({"title":"x","id":"y"})", true, "body"),
            "body/id: read-only field");
  EXPECT_EQ(decode(R"(["title"])", true, "body"),
            "body: must be a JSON object");
  EXPECT_EQ(decode(R"({"title":"x","recurrence":{"preset":"daily"}})", true,
                   "body"),
            "body/recurrence: a recurring todo needs a due date");
  reminder_action action;
  std::string canonical_text;
  auto err = decode_reminder_body(json{{"reminder", 0}, {"for", "-PT5M"}}, true,
                                  now, action, canonical_text, "body");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "body/for");
  err = decode_reminder_body(json{{"reminder", 99}}, false, now, action,
                             canonical_text, "body");
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "body/reminder");
}

TEST(command_body, a_decoded_body_keeps_tabs_and_has_a_canonical_text) {
  json body;
  ASSERT_FALSE(
    parse_client_json(R"({ "tags" : ["c\td"], "title" : "a\tb" })", body));
  todo_patch patch;
  std::string canonical_text;
  ASSERT_FALSE(decode_todo_body(body, true, patch, canonical_text));
  EXPECT_EQ(patch.title, std::optional<std::string>{"a\tb"});
  EXPECT_EQ(patch.tags, std::optional<std::vector<std::string>>{{"c\td"}});
  EXPECT_EQ(canonical_text, R"({"tags":["c\td"],"title":"a\tb"})");
  todo t;
  t.id = "t1";
  ASSERT_TRUE(apply_patch(patch, patch_mode::create, 1767225600000, t));
  auto doc = to_json(t);
  EXPECT_EQ(doc["title"], "a\tb");
  EXPECT_EQ(doc["tags"], json::array({"c\td"}));
}

TEST(command_body, request_ids) {
  EXPECT_TRUE(valid_request_id("client-1"));
  EXPECT_TRUE(valid_request_id("a.b_c:d-E9"));
  EXPECT_TRUE(valid_request_id(std::string(128, 'r')));
  EXPECT_FALSE(valid_request_id(""));
  EXPECT_FALSE(valid_request_id(std::string(129, 'r')));
  EXPECT_FALSE(valid_request_id("has space"));
  EXPECT_FALSE(valid_request_id("slash/"));
  EXPECT_FALSE(valid_request_id("\xc3\xa9"));
}
