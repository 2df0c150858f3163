// Cursors: decoded at the edge against the query's sort order.
#include "tests/domain/run_query_fixture.hpp"

namespace {

struct cursor_tests : run_query_tests {};

} // namespace

TEST_F(cursor_tests, cursor_with_different_sort_is_rejected) {
  populate(10);
  auto q = make_query({{"sort", "due,-priority"}, {"limit", "3"}});
  auto pg = run(q);
  ASSERT_TRUE(pg.next.has_value());
  auto cursor = encode_cursor(q.sort, *pg.next);
  for (auto sort : {"due,priority", "due", "-priority,due", "created_at"}) {
    query other;
    auto err = decode_query({{"sort", sort}, {"cursor", cursor}}, other);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->field, "cursor");
    EXPECT_FALSE(other.after.has_value());
  }
  // The default sort and an explicit created_at are the same spec.
  auto first_query = make_query({{"limit", "3"}});
  auto first = run(first_query);
  ASSERT_TRUE(first.next.has_value());
  auto same = make_query(
    {{"sort", "created_at"},
     {"cursor", encode_cursor(first_query.sort, *first.next)}});
  ASSERT_TRUE(same.after.has_value());
  EXPECT_EQ(same.after->id, first.next->id);
  EXPECT_TRUE(std::holds_alternative<page>(run_query(same, all())));
}

TEST_F(cursor_tests, garbage_cursors_are_rejected) {
  populate(3);
  std::vector<std::string> cursors{
    "!!!",
    "abc",
    "x",
    base64url_encode("not json"),
    base64url_encode("[1,2]"),
    base64url_encode(R"({"f":1,"s":"created_at","k":[],"id":"1"})"),
    base64url_encode(R"({"f":1,"s":"created_at","k":[5],"id":"1"})"),
    base64url_encode(R"({"f":2,"s":"created_at","k":["x"],"id":"1"})"),
    base64url_encode(R"({"f":1,"s":"created_at","k":["x"],"id":7})"),
    base64url_encode(R"({"f":1,"s":"created_at","k":["x"]})"),
  };
  for (auto& cursor : cursors) {
    SCOPED_TRACE("cursor: " + cursor);
    query q;
    auto err = decode_query({{"cursor", cursor}}, q);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->field, "cursor");
  }
  // A cursor given twice is refused too.
  query twice;
  auto err = decode_query({{"cursor", ""}, {"cursor", ""}}, twice);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "cursor");
  // Sanity check: a well-formed hand-made cursor works.
  auto q = make_query(
    {{"cursor",
      base64url_encode(R"({"f":1,"s":"created_at",)"
                       R"("k":["2026-01-01T00:00:00.000Z"],"id":""})")}});
  ASSERT_TRUE(q.after.has_value());
  EXPECT_EQ(q.after->created_ms, 1767225600000);
  EXPECT_TRUE(std::holds_alternative<page>(run_query(q, all())));
  // A created_at that is not an RFC 3339 date-time is refused.
  query bad;
  err = decode_query(
    {{"cursor", base64url_encode(R"({"f":1,"s":"created_at",)"
                                 R"("k":["yesterday"],"id":""})")}},
    bad);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->field, "cursor");
}

TEST_F(cursor_tests, typed_cursor_values_are_checked) {
  auto make = [](const std::string& k) {
    return base64url_encode(R"({"f":1,"s":"due,priority,order","k":)" + k
                            + R"(,"id":"x"})");
  };
  std::map<std::string, bool> cases{
    {R"([null,"low",1.5])", true},  {R"([5,"urgent",0])", true},
    {R"(["x","low",1.5])", false},  {R"([null,"huge",1.5])", false},
    {R"([null,"low","1"])", false}, {R"([1.5,"low",1])", false},
    {R"([null,"low"])", false},
  };
  for (auto& [k, ok] : cases) {
    SCOPED_TRACE("values: " + k);
    query q;
    auto err = decode_query(
      {{"sort", "due,priority,order"}, {"cursor", make(k)}}, q);
    EXPECT_EQ(!err.has_value(), ok);
    if (ok) {
      EXPECT_TRUE(std::holds_alternative<page>(run_query(q, all())));
    }
  }
}
