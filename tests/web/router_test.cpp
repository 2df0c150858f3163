#define CAF_SUITE web.router

#include <memory>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "config/metrics.hpp"
#include "web/route_table.hpp"
#include "web/router.hpp"

using namespace actodo;
using namespace actodo::web;

namespace {

/// Records what the router asked for and answers every call at once.
class fake_gateway : public actors::gateway {
 public:
  std::vector<std::string> calls;
  actors::reply answer;

  void submit(actors::command cmd, callback cb) override {
    calls.push_back("submit " + cmd.user_id + " " + cmd.todo_id);
    cb(answer);
  }
  void list(std::string user, std::vector<std::string>, callback cb) override {
    calls.push_back("list " + user);
    cb(answer);
  }
  void get(std::string user, std::string id, callback cb) override {
    calls.push_back("get " + user + " " + id);
    cb(answer);
  }
  void occurrences(std::string user, std::string id, int32_t,
                   callback cb) override {
    calls.push_back("occurrences " + user + " " + id);
    cb(answer);
  }
  void preview(std::string user, std::vector<std::string>,
               callback cb) override {
    calls.push_back("preview " + user);
    cb(answer);
  }
  void status(std::string user, std::string id, callback cb) override {
    calls.push_back("status " + user + " " + id);
    cb(answer);
  }
  void events(std::string user, int64_t, int64_t, callback cb) override {
    calls.push_back("events " + user);
    cb(answer);
  }
  std::shared_ptr<session_link>
  open_session(std::string, actors::session_options,
               std::shared_ptr<actors::frame_sink>) override {
    return nullptr;
  }
  void account(actors::account_op, std::string a, std::string, std::string,
               callback cb) override {
    calls.push_back("account " + a);
    cb(answer);
  }
};

struct fixture {
  fixture() : routes(gate, cfg) {
    gate.answer.status = 200;
    gate.answer.body = R"({"items":[]})";
  }

  http_response call(std::string method, std::string path,
                     std::string body = {}) {
    http_request req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.headers.emplace_back("host", "127.0.0.1:8080");
    if (!body.empty())
      req.headers.emplace_back("content-type", "application/json");
    req.body = std::move(body);
    http_response out;
    out.status = 0;
    routes.handle(std::move(req), [&out](http_response res) { out = res; });
    return out;
  }

  static std::string header(const http_response& res, std::string_view name) {
    for (auto& [key, value] : res.headers)
      if (key == name)
        return value;
    return {};
  }

  settings cfg;
  fake_gateway gate;
  router routes;
};

} // namespace

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

CAF_TEST(metrics labels come from the table only) {
  fixture f;
  f.call("GET", "/api/v1/todos/t1");
  f.call("GET", "/api/v1/auth/x1y2z3");
  f.call("BREW", "/api/v1/todos");
  auto text = f.cfg.stats->render();
  CAF_CHECK(text.find("route=\"/api/v1/todos/{id}\"") != std::string::npos);
  CAF_CHECK(text.find("x1y2z3") == std::string::npos);
  CAF_CHECK(text.find("BREW") == std::string::npos);
  CAF_CHECK(text.find("method=\"OTHER\"") != std::string::npos);
}
