#define CAF_SUITE web.router

#include <memory>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "web/route_table.hpp"
#include "web/router.hpp"

#include "tests/web/fake_gateway.hpp"

using namespace actodo;
using namespace actodo::web;

using fixture = test::router_fixture;

CAF_TEST(patterns match whole segments) {
  path_params p;
  CAF_CHECK(match_pattern("/api/v1/todos/{id}", "/api/v1/todos/t1", p));
  CAF_REQUIRE_EQUAL(p.size(), 1u);
  CAF_CHECK_EQUAL(p[0], "t1");
  CAF_CHECK(!match_pattern("/api/v1/todos/{id}", "/api/v1/todos/", p));
  CAF_CHECK(!match_pattern("/api/v1/todos/{id}", "/api/v1/todos/a/b", p));
  CAF_CHECK(!match_pattern("/api/v1/todos", "/api/v1/todosx", p));
  CAF_CHECK(match_pattern("/api/v1/todos/{id}/reminders/{n}/snooze",
                          "/api/v1/todos/a/reminders/2/snooze", p));
  CAF_CHECK_EQUAL(p, path_params({"a", "2"}));
}

CAF_TEST(every pattern in the table is reachable and labelled by itself) {
  for (auto& row : routes()) {
    auto path = std::string{row.pattern};
    for (auto pos = path.find('{'); pos != std::string::npos;
         pos = path.find('{'))
      path.replace(pos, path.find('}', pos) - pos + 1, "x");
    auto match = find_route(row.method, path);
    CAF_CHECK(match.hit != nullptr);
    CAF_CHECK_EQUAL(match.pattern, row.pattern);
  }
}

CAF_TEST(a known path with another method is 405 with Allow from the table) {
  fixture f;
  auto res = f.call("PUT", "/api/v1/todos/t1");
  CAF_CHECK_EQUAL(res.status, 405);
  CAF_CHECK_EQUAL(fixture::header(res, "Allow"),
                  "GET, HEAD, PATCH, DELETE, OPTIONS");
  res = f.call("DELETE", "/api/v1/events");
  CAF_CHECK_EQUAL(res.status, 405);
  CAF_CHECK_EQUAL(fixture::header(res, "Allow"), "GET, HEAD, OPTIONS");
  CAF_CHECK(f.gate.calls.empty());
}

CAF_TEST(handlers get the path parameters and the user) {
  fixture f;
  CAF_CHECK_EQUAL(f.call("GET", "/api/v1/todos/t7").status, 200);
  CAF_CHECK_EQUAL(f.call("HEAD", "/api/v1/requests/r_1").status, 200);
  CAF_CHECK_EQUAL(f.call("GET", "/todos/t8").status, 200);
  CAF_CHECK_EQUAL(f.gate.calls,
                  std::vector<std::string>(
                    {"get local t7", "status local r_1", "get local t8"}));
  CAF_CHECK_EQUAL(f.call("GET", "/api/v1/nope").status, 404);
  CAF_CHECK_EQUAL(f.call("GET", "/api/v1/ws").status, 426);
}

CAF_TEST(routes that act for a user need a token in token mode) {
  fixture f;
  f.cfg.token_auth = true;
  router routes{f.gate, f.cfg};
  http_request req;
  req.method = "GET";
  req.path = "/api/v1/todos";
  req.headers.emplace_back("host", "todo.example");
  int status = 0;
  routes.handle(req, [&status](http_response res) { status = res.status; });
  CAF_CHECK_EQUAL(status, 401);
  req.path = "/healthz";
  routes.handle(req, [&status](http_response res) { status = res.status; });
  CAF_CHECK_EQUAL(status, 200);
  CAF_CHECK(f.gate.calls.empty());
}

CAF_TEST(readyz answers 503 with Retry - After while the store is away) {
  fixture f;
  CAF_CHECK_EQUAL(f.call("GET", "/readyz").status, 200);
  f.gate.readiness = make_retry_error(ec::unavailable, "",
                                      "the PostgreSQL store is unreachable", 1);
  auto res = f.call("GET", "/readyz");
  CAF_CHECK_EQUAL(res.status, 503);
  CAF_CHECK_EQUAL(res.content_type, "application/problem+json");
  CAF_CHECK(res.body.find("unreachable") != std::string::npos);
  auto retry = std::find_if(res.headers.begin(), res.headers.end(),
                            [](auto& kvp) {
                              return kvp.first == "Retry-After";
                            });
  CAF_REQUIRE(retry != res.headers.end());
  CAF_CHECK_EQUAL(retry->second, "1");
  // The liveness probe does not ask the store.
  CAF_CHECK_EQUAL(f.call("GET", "/healthz").status, 200);
}

CAF_TEST(metrics labels come from the table only) {
  fixture f;
  f.call("GET", "/api/v1/todos/t1");
  f.call("GET", "/api/v1/auth/x1y2z3");
  f.call("BREW", "/api/v1/todos");
  auto res = f.call("GET", "/metrics");
  CAF_CHECK_EQUAL(res.status, 200);
  auto& text = res.body;
  CAF_CHECK(text.find("actodo_http_requests_total{route=\"/api/v1/todos/{id}\","
                      "method=\"GET\",status=\"200\"} 1\n")
            != std::string::npos);
  CAF_CHECK(text.find("x1y2z3") == std::string::npos);
  CAF_CHECK(text.find("BREW") == std::string::npos);
  CAF_CHECK(text.find("method=\"OTHER\"") != std::string::npos);
  CAF_CHECK(text.find("actodo_http_request_duration_seconds_count{route=\"/"
                      "api/v1/todos/{id}\"} 1\n")
            != std::string::npos);
}

CAF_TEST(without bookkeeping no request is counted) {
  fixture f;
  f.cfg.http->enabled = false;
  f.call("GET", "/api/v1/todos/t1");
  auto text = f.call("GET", "/metrics").body;
  CAF_CHECK(text.find("# TYPE actodo_http_requests_total counter\n")
            != std::string::npos);
  CAF_CHECK(text.find("actodo_http_requests_total{") == std::string::npos);
  CAF_CHECK(text.find("actodo_http_request_duration_seconds_count")
            == std::string::npos);
}

CAF_TEST(a create reaches the gateway decoded once into a typed patch) {
  fixture f;
  f.gate.outcome.request_id = "r_1";
  f.gate.outcome.code = actors::outcome_code::created;
  auto res = f.call("POST", "/api/v1/todos",
                    R"({ "title" : "milk", "priority" : "high" })");
  CAF_CHECK_EQUAL(res.status, 202);
  CAF_CHECK_EQUAL(fixture::header(res, "Location"), "/api/v1/requests/r_1");
  CAF_REQUIRE_EQUAL(f.gate.calls.size(), 1u);
  auto& cmd = f.gate.last;
  CAF_CHECK(cmd.op == actors::command_op::create);
  CAF_CHECK(cmd.patch.title == std::optional<std::string>{"milk"});
  CAF_CHECK(
    cmd.patch.prio
    == std::optional<actors::domain::priority>{actors::domain::priority::high});
  // The canonical form binds an Idempotency-Key: key order and white space
  // do not matter.
  CAF_CHECK_EQUAL(cmd.canonical_body, R"({"priority":"high","title":"milk"})");
}

CAF_TEST(a body that does not decode never reaches the gateway) {
  fixture f;
  auto res = f.call("POST", "/api/v1/todos", R"({"title":"x","colour":1})");
  CAF_CHECK_EQUAL(res.status, 400);
  CAF_CHECK_EQUAL(res.content_type, "application/problem+json");
  CAF_CHECK_NOT_EQUAL(res.body.find(R"("field":"colour")"), std::string::npos);
  res = f.call("POST", "/api/v1/todos", "{not json");
  CAF_CHECK_EQUAL(res.status, 400);
  CAF_CHECK(f.gate.calls.empty());
}

CAF_TEST(a refused command is answered with the status of its code) {
  fixture f;
  f.gate.outcome.code = actors::outcome_code::key_reused;
  f.gate.outcome.field = "Idempotency-Key";
  f.gate.outcome.detail = "Idempotency-Key was used for another request";
  auto res = f.call("PATCH", "/api/v1/todos/t1", R"({"title":"y"})");
  CAF_CHECK_EQUAL(res.status, 422);
  CAF_CHECK_NOT_EQUAL(res.body.find(R"("field":"Idempotency-Key")"),
                      std::string::npos);
}

CAF_TEST(errors from the actors map to statuses naming their field) {
  fixture f;
  auto res = f.call("GET", "/api/v1/todos/t9");
  CAF_CHECK_EQUAL(res.status, 404);
  CAF_CHECK_NOT_EQUAL(res.body.find(R"("field":"id")"), std::string::npos);
  res = f.call("GET", "/api/v1/occurrences", {},
               {{"rrule", "FREQ=DAILY"}, {"due", "2026-12-01"}});
  CAF_CHECK_EQUAL(res.status, 429);
  CAF_CHECK_EQUAL(fixture::header(res, "Retry-After"), "1");
  CAF_CHECK_NOT_EQUAL(res.body.find(R"("field":"rrule")"), std::string::npos);
  // A rule that does not decode is refused at the edge.
  auto calls = f.gate.calls.size();
  res = f.call("GET", "/api/v1/occurrences", {},
               {{"due", "2026-12-01"}, {"limit", "0"}});
  CAF_CHECK_EQUAL(res.status, 400);
  CAF_CHECK_EQUAL(f.gate.calls.size(), calls);
}
