#define CAF_SUITE domain.query.parse

#include "caf/test/unit_test.hpp"

#include "actors/domain/query.hpp"

using namespace actodo::domain;

namespace {

using params = std::vector<std::pair<std::string, std::string>>;

struct fixture {
  query out;

  /// Returns "field: detail" of the error or "ok".
  std::string parse(const params& xs) {
    out = query{};
    auto err = parse_query(xs, out);
    return err ? err->field + ": " + err->detail : "ok";
  }

  /// Returns only the field of the error or "ok".
  std::string field_of(const params& xs) {
    out = query{};
    auto err = parse_query(xs, out);
    return err ? err->field : "ok";
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(query_parse_tests, fixture)

CAF_TEST(defaults) {
  CAF_CHECK_EQUAL(parse({}), "ok");
  CAF_CHECK(!out.completed);
  CAF_CHECK(out.priorities.empty());
  CAF_CHECK(out.tags.empty());
  CAF_CHECK_EQUAL(out.q, "");
  CAF_CHECK(!out.due_before && !out.due_after);
  CAF_CHECK_EQUAL(format_sort(out.sort), "created_at");
  CAF_CHECK_EQUAL(out.limit, 50u);
  CAF_CHECK_EQUAL(out.cursor, "");
}

CAF_TEST(completed) {
  CAF_CHECK_EQUAL(parse({{"completed", "true"}}), "ok");
  CAF_CHECK(out.completed && *out.completed);
  CAF_CHECK_EQUAL(parse({{"completed", "false"}}), "ok");
  CAF_CHECK(out.completed && !*out.completed);
  CAF_CHECK_EQUAL(parse({{"completed", "1"}}),
                  "completed: must be true or false");
  CAF_CHECK_EQUAL(parse({{"completed", "True"}}),
                  "completed: must be true or false");
  CAF_CHECK_EQUAL(parse({{"completed", ""}}),
                  "completed: must be true or false");
}

CAF_TEST(repeatable parameters) {
  CAF_CHECK_EQUAL(parse({{"priority", "high"},
                         {"tag", "Work"},
                         {"priority", "urgent"},
                         {"tag", "home"}}),
                  "ok");
  CAF_REQUIRE_EQUAL(out.priorities.size(), 2u);
  CAF_CHECK(out.priorities[0] == priority::high);
  CAF_CHECK(out.priorities[1] == priority::urgent);
  CAF_CHECK_EQUAL(out.tags, (std::vector<std::string>{"Work", "home"}));
  CAF_CHECK_EQUAL(parse({{"priority", "big"}}),
                  "priority: must be one of none, low, medium, high, urgent");
  CAF_CHECK_EQUAL(parse({{"tag", ""}}), "tag: must not be empty");
}

CAF_TEST(non - repeatable parameters) {
  for (auto key : {"completed", "q", "due_before", "due_after", "sort", "limit",
                   "cursor"}) {
    auto val = std::string{key} == "completed" ? "true" : "2026-01-01";
    CAF_CHECK_EQUAL(field_of({{key, val}, {key, val}}), key);
  }
}

CAF_TEST(unknown parameters) {
  CAF_CHECK_EQUAL(parse({{"page", "2"}}), "page: unknown query parameter");
  CAF_CHECK_EQUAL(parse({{"Limit", "2"}}), "Limit: unknown query parameter");
}

CAF_TEST(search text) {
  CAF_CHECK_EQUAL(parse({{"q", "Milk & honey"}}), "ok");
  CAF_CHECK_EQUAL(out.q, "Milk & honey");
}

CAF_TEST(due bounds) {
  CAF_CHECK_EQUAL(parse({{"due_before", "2026-01-02"},
                         {"due_after", "2026-01-01T12:00:00+01:00"}}),
                  "ok");
  CAF_REQUIRE(out.due_before && out.due_after);
  CAF_CHECK_EQUAL(*out.due_before, 1767312000000);
  CAF_CHECK_EQUAL(*out.due_after, 1767265200000);
  CAF_CHECK_EQUAL(field_of({{"due_before", "2026-01-01T00:00:00"}}),
                  "due_before");
  CAF_CHECK_EQUAL(field_of({{"due_after", "2023-02-29"}}), "due_after");
  CAF_CHECK_EQUAL(field_of({{"due_after", "soon"}}), "due_after");
}

CAF_TEST(sort) {
  CAF_CHECK_EQUAL(parse({{"sort", "due,-priority"}}), "ok");
  CAF_REQUIRE_EQUAL(out.sort.size(), 2u);
  CAF_CHECK(out.sort[0] == (sort_key{sort_key::due, false}));
  CAF_CHECK(out.sort[1] == (sort_key{sort_key::priority, true}));
  CAF_CHECK_EQUAL(format_sort(out.sort), "due,-priority");
  CAF_CHECK_EQUAL(
    parse({{"sort", "-title,order,updated_at,created_at,priority,due"}}), "ok");
  CAF_CHECK_EQUAL(format_sort(out.sort),
                  "-title,order,updated_at,created_at,priority,due");
  for (auto bad :
       {"", ",", "due,", ",due", "size", "+due", "--due", "due ", "Due"})
    CAF_CHECK_EQUAL(field_of({{"sort", bad}}), "sort");
  CAF_CHECK_EQUAL(parse({{"sort", "due,-due"}}),
                  "sort: duplicate sort field 'due'");
}

CAF_TEST(limit) {
  CAF_CHECK_EQUAL(parse({{"limit", "1"}}), "ok");
  CAF_CHECK_EQUAL(out.limit, 1u);
  CAF_CHECK_EQUAL(parse({{"limit", "500"}}), "ok");
  CAF_CHECK_EQUAL(out.limit, 500u);
  auto bad = "limit: must be an integer between 1 and 500";
  for (auto str :
       {"0", "501", "-1", "", "1.5", "abc", "99999999999999999999", " 5", "5 "})
    CAF_CHECK_EQUAL(parse({{"limit", str}}), bad);
}

CAF_TEST(cursor is kept verbatim) {
  CAF_CHECK_EQUAL(parse({{"cursor", "abc"}}), "ok");
  CAF_CHECK_EQUAL(out.cursor, "abc");
}

CAF_TEST(out is untouched on error) {
  query q;
  q.limit = 7;
  CAF_CHECK(parse_query({{"limit", "3"}, {"foo", "1"}}, q).has_value());
  CAF_CHECK_EQUAL(q.limit, 7u);
}

CAF_TEST_FIXTURE_SCOPE_END()
