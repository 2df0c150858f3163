#include <gtest/gtest.h>

#include "actors/domain/query.hpp"
#include "io/codec/cursor.hpp"

using namespace actodo::actors::domain;
using actodo::io::codec::decode_query;

namespace {

using params = std::vector<std::pair<std::string, std::string>>;

struct query_parse_tests : ::testing::Test {
  query out;

  /// Returns "field: detail" of the error or "ok" (the edge's decoding:
  /// `parse_query` plus the cursor).
  std::string parse(const params& xs) {
    out = query{};
    auto err = decode_query(xs, out);
    return err ? err->field + ": " + err->detail : "ok";
  }

  /// Returns only the field of the error or "ok".
  std::string field_of(const params& xs) {
    out = query{};
    auto err = decode_query(xs, out);
    return err ? err->field : "ok";
  }
};

} // namespace

TEST_F(query_parse_tests, defaults) {
  EXPECT_EQ(parse({}), "ok");
  EXPECT_TRUE(!out.completed);
  EXPECT_TRUE(out.priorities.empty());
  EXPECT_TRUE(out.tags.empty());
  EXPECT_EQ(out.q, "");
  EXPECT_TRUE(!out.due_before && !out.due_after);
  EXPECT_EQ(format_sort(out.sort), "created_at");
  EXPECT_EQ(out.limit, 50u);
  EXPECT_FALSE(out.after.has_value());
}

TEST_F(query_parse_tests, completed) {
  EXPECT_EQ(parse({{"completed", "true"}}), "ok");
  EXPECT_TRUE(out.completed && *out.completed);
  EXPECT_EQ(parse({{"completed", "false"}}), "ok");
  EXPECT_TRUE(out.completed && !*out.completed);
  EXPECT_EQ(parse({{"completed", "1"}}), "completed: must be true or false");
  EXPECT_EQ(parse({{"completed", "True"}}), "completed: must be true or false");
  EXPECT_EQ(parse({{"completed", ""}}), "completed: must be true or false");
}

TEST_F(query_parse_tests, repeatable_parameters) {
  EXPECT_EQ(parse({{"priority", "high"},
                   {"tag", "Work"},
                   {"priority", "urgent"},
                   {"tag", "home"}}),
            "ok");
  ASSERT_EQ(out.priorities.size(), 2u);
  EXPECT_TRUE(out.priorities[0] == priority::high);
  EXPECT_TRUE(out.priorities[1] == priority::urgent);
  EXPECT_EQ(out.tags, (std::vector<std::string>{"Work", "home"}));
  EXPECT_EQ(parse({{"priority", "big"}}),
            "priority: must be one of none, low, medium, high, urgent");
  EXPECT_EQ(parse({{"tag", ""}}), "tag: must not be empty");
}

TEST_F(query_parse_tests, non_repeatable_parameters) {
  for (auto key : {"completed", "q", "due_before", "due_after", "sort", "limit",
                   "cursor"}) {
    auto val = std::string{key} == "completed" ? "true" : "2026-01-01";
    EXPECT_EQ(field_of({{key, val}, {key, val}}), key);
  }
}

TEST_F(query_parse_tests, unknown_parameters) {
  EXPECT_EQ(parse({{"page", "2"}}), "page: unknown query parameter");
  EXPECT_EQ(parse({{"Limit", "2"}}), "Limit: unknown query parameter");
}

TEST_F(query_parse_tests, search_text) {
  EXPECT_EQ(parse({{"q", "Milk & honey"}}), "ok");
  EXPECT_EQ(out.q, "Milk & honey");
}

TEST_F(query_parse_tests, due_bounds) {
  EXPECT_EQ(parse({{"due_before", "2026-01-02"},
                   {"due_after", "2026-01-01T12:00:00+01:00"}}),
            "ok");
  ASSERT_TRUE(out.due_before && out.due_after);
  EXPECT_EQ(*out.due_before, 1767312000000);
  EXPECT_EQ(*out.due_after, 1767265200000);
  EXPECT_EQ(field_of({{"due_before", "2026-01-01T00:00:00"}}), "due_before");
  EXPECT_EQ(field_of({{"due_after", "2023-02-29"}}), "due_after");
  EXPECT_EQ(field_of({{"due_after", "soon"}}), "due_after");
}

TEST_F(query_parse_tests, sort) {
  EXPECT_EQ(parse({{"sort", "due,-priority"}}), "ok");
  ASSERT_EQ(out.sort.size(), 2u);
  EXPECT_TRUE(out.sort[0] == (sort_key{sort_key::due, false}));
  EXPECT_TRUE(out.sort[1] == (sort_key{sort_key::priority, true}));
  EXPECT_EQ(format_sort(out.sort), "due,-priority");
  EXPECT_EQ(
    parse({{"sort", "-title,order,updated_at,created_at,priority,due"}}), "ok");
  EXPECT_EQ(format_sort(out.sort),
            "-title,order,updated_at,created_at,priority,due");
  for (auto bad :
       {"", ",", "due,", ",due", "size", "+due", "--due", "due ", "Due"})
    EXPECT_EQ(field_of({{"sort", bad}}), "sort");
  EXPECT_EQ(parse({{"sort", "due,-due"}}), "sort: duplicate sort field 'due'");
}

TEST_F(query_parse_tests, limit) {
  EXPECT_EQ(parse({{"limit", "1"}}), "ok");
  EXPECT_EQ(out.limit, 1u);
  EXPECT_EQ(parse({{"limit", "500"}}), "ok");
  EXPECT_EQ(out.limit, 500u);
  auto bad = "limit: must be an integer between 1 and 500";
  for (auto str :
       {"0", "501", "-1", "", "1.5", "abc", "99999999999999999999", " 5", "5 "})
    EXPECT_EQ(parse({{"limit", str}}), bad);
}

TEST_F(query_parse_tests, cursor_is_decoded_at_the_edge) {
  EXPECT_EQ(parse({{"cursor", ""}}), "ok");
  EXPECT_FALSE(out.after.has_value());
  EXPECT_EQ(parse({{"cursor", "abc"}}), "cursor: malformed cursor");
  // The domain parser alone does not know the edge's parameter.
  query q;
  auto err = parse_query({{"cursor", "abc"}}, q);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "cursor");
}

TEST_F(query_parse_tests, out_is_untouched_on_error) {
  query q;
  q.limit = 7;
  EXPECT_TRUE(parse_query({{"limit", "3"}, {"foo", "1"}}, q).has_value());
  EXPECT_EQ(q.limit, 7u);
}
