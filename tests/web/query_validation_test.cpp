#define CAF_SUITE web.query_validation

// Query parameters of the todo list and the event feed that do not
// decode: a 400 problem naming the parameter, and the gateway never asked
// (formerly cases of tests/integration/test_query.py).

#include <string>
#include <utility>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "tests/web/fake_gateway.hpp"
#include "tests/web/problem_check.hpp"

using namespace actodo;

namespace {

using params = std::vector<std::pair<std::string, std::string>>;

struct fixture : test::router_fixture {
  std::string refused(const std::string& path, const params& query,
                      const std::string& field) {
    return refused_query(path, query, 400, field);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(query_validation_tests, fixture)

CAF_TEST(bad list parameters name the parameter) {
  // A cursor is checked against the data by the todo list: see
  // test_query.py for those.
  std::pair<params, std::string> cases[] = {
    {{{"foo", "1"}}, "foo"},
    {{{"limit", "0"}}, "limit"},
    {{{"limit", "501"}}, "limit"},
    {{{"limit", "-1"}}, "limit"},
    {{{"limit", "ten"}}, "limit"},
    {{{"sort", "bogus"}}, "sort"},
    {{{"sort", "-bogus"}}, "sort"},
    {{{"sort", "title,bogus"}}, "sort"},
    {{{"completed", "maybe"}}, "completed"},
    {{{"priority", "extreme"}}, "priority"},
    {{{"due_before", "tomorrow"}}, "due_before"},
    {{{"due_after", "2026-13-45"}}, "due_after"},
    {{{"due_after", "2026-12-01T10:00:00"}}, "due_after"},
    {{{"limit", "1"}, {"limit", "2"}}, "limit"},
    {{{"tag", ""}}, "tag"},
  };
  for (auto& [query, field] : cases)
    CAF_CHECK_EQUAL(refused("/api/v1/todos", query, field), "");
  CAF_CHECK(gate.calls.empty());
  // The bounds themselves are fine.
  CAF_CHECK_EQUAL(call("GET", "/api/v1/todos", {}, {{"limit", "1"}}).status,
                  200);
  CAF_CHECK_EQUAL(call("GET", "/api/v1/todos", {}, {{"limit", "500"}}).status,
                  200);
  CAF_CHECK_EQUAL(gate.calls.size(), 2u);
}

CAF_TEST(bad feed parameters name the parameter) {
  std::pair<params, std::string> cases[] = {
    {{{"after", "0"}, {"limit", "0"}}, "limit"},
    {{{"after", "0"}, {"limit", "1001"}}, "limit"},
    {{{"after", "abc"}}, "after"},
    {{{"after", "0"}, {"bogus", "1"}}, "bogus"},
  };
  for (auto& [query, field] : cases)
    CAF_CHECK_EQUAL(refused("/api/v1/events", query, field), "");
  CAF_CHECK(gate.calls.empty());
  auto res = call("GET", "/api/v1/events", {},
                  {{"after", "0"}, {"limit", "1000"}});
  CAF_CHECK_EQUAL(res.status, 200);
  CAF_CHECK_EQUAL(res.body, R"({"items":[]})");
  CAF_CHECK_EQUAL(gate.calls, std::vector<std::string>({"events local"}));
  // Events the retention removed: 410 naming `after`, with what to do.
  res = call("GET", "/api/v1/events", {}, {{"after", "7"}});
  CAF_CHECK_EQUAL(test::problem_mismatch(res, 410, "after"), "");
  CAF_CHECK(res.body.find("up to sequence 9") != std::string::npos);
  CAF_CHECK(res.body.find(R"("title":"Gone")") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
