#define CAF_SUITE web.body_validation

// Todo bodies that do not decode, answered by the router with a problem
// naming the field before anything reaches the gateway (formerly the
// schema cases of tests/integration/test_bad_input.py and friends).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include <nlohmann/json.hpp>

#include "tests/web/fake_gateway.hpp"
#include "tests/web/problem_check.hpp"

using namespace actodo;
using json = nlohmann::json;

namespace {

struct field_case {
  json body;
  std::string field;
};

/// Schema violations relative to `base` (which makes an otherwise valid
/// body), each with the field its problem names.
std::vector<field_case> field_cases(const json& base) {
  auto with = [&base](const char* key, json value) {
    auto body = base;
    body[key] = std::move(value);
    return body;
  };
  json many_tags = json::array();
  for (int i = 0; i < 21; ++i)
    many_tags.push_back("t" + std::to_string(i));
  std::vector<field_case> cases{
    {with("title", 5), "title"},
    {with("title", nullptr), "title"},
    {with("title", json::array({"x"})), "title"},
    {with("title", ""), "title"},
    {with("title", std::string(501, 'x')), "title"},
    {with("notes", 5), "notes"},
    {with("notes", std::string(10001, 'n')), "notes"},
    {with("completed", "yes"), "completed"},
    {with("completed", 1), "completed"},
    {with("completed", nullptr), "completed"},
    {with("priority", "extreme"), "priority"},
    {with("priority", 3), "priority"},
    {with("priority", "HIGH"), "priority"},
    {with("tags", "work"), "tags"},
    {with("tags", json::array({1})), "tags/0"},
    {with("tags", json::array({nullptr})), "tags/0"},
    {with("tags", many_tags), "tags"},
    {with("tags", json::array({std::string(51, 'x')})), "tags/0"},
    {with("tags", json::array({"Work", "work"})), "tags/1"},
    {with("due", "tomorrow"), "due"},
    {with("due", 20261201), "due"},
    {with("due", "2026-02-30"), "due"},
    {with("due", "2026-12-01T10:00:00"), "due"},
    {with("due", "2026-12-01 10:00"), "due"},
    {with("order", "first"), "order"},
    {with("order", nullptr), "order"},
    {with("order", json::array({1})), "order"},
    {with("colour", "red"), "colour"},
  };
  json read_only{{"id", "x"},
                 {"created_at", "2026-01-01T00:00:00Z"},
                 {"updated_at", "2026-01-01T00:00:00Z"},
                 {"version", 7},
                 {"completed_at", "2026-01-01T00:00:00Z"},
                 {"url", "http://127.0.0.1/todos/x"}};
  for (auto& [key, value] : read_only.items())
    cases.push_back({with(key.c_str(), value), key});
  return cases;
}

struct fixture : test::router_fixture {
  /// Empty when `method path` with `body` is answered with a problem of
  /// `status` naming `field` (when given), else the request and what
  /// differs.
  std::string refused(const std::string& method, const std::string& path,
                      const std::string& body, int status,
                      const std::optional<std::string>& field = std::nullopt) {
    auto why = test::problem_mismatch(call(method, path, body), status, field);
    return why.empty() ? why : method + " " + path + " " + body + ": " + why;
  }

  /// Without `Prefer`, then with `Prefer: wait=10`.
  void each_preference(const std::function<void()>& run) {
    for (auto wait : {false, true}) {
      headers.clear();
      if (wait)
        headers.emplace_back("prefer", "wait=10");
      run();
    }
    headers.clear();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(body_validation_tests, fixture)

CAF_TEST(malformed bodies are 400 problems) {
  // Sent with Content-Type: application/json even when empty.
  static constexpr char garbage[] = "\x00\xff garbage \xfe";
  std::vector<std::string> bodies{
    std::string{garbage, sizeof garbage - 1},
    "",
    R"({"title": "abc")",
    R"({"title": "abc",})",
    R"(["title"])",
    "[]",
    R"("just a string")",
    "42",
    "null",
    "true",
    R"({"title": "x"} trailing)",
    "{'title': 'single quotes'}",
  };
  each_preference([this, &bodies] {
    headers.emplace_back("content-type", "application/json");
    for (auto& body : bodies)
      CAF_CHECK_EQUAL(refused("POST", "/api/v1/todos", body, 400), "");
  });
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(invalid UTF - 8 in a string is a 400 problem) {
  for (std::string body : {"{\"title\": \"bad \xff\xfe bytes\"}",
                           "{\"title\": \"ok\", \"notes\": \"\xc3\x28\"}",
                           R"({"title": "lone surrogate \ud800"})"})
    CAF_CHECK_EQUAL(refused("POST", "/api/v1/todos", body, 400), "");
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(schema violations on create name the field) {
  auto cases = field_cases({{"title", "valid"}});
  cases.push_back({json::object(), "title"});
  cases.push_back({{{"notes", "x"}}, "title"});
  CAF_CHECK_EQUAL(cases.size(), 36u);
  each_preference([this, &cases] {
    for (auto& [body, field] : cases)
      CAF_CHECK_EQUAL(refused("POST", "/api/v1/todos", body.dump(), 400, field),
                      "");
  });
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(schema violations on patch name the field) {
  auto cases = field_cases(json::object());
  CAF_CHECK_EQUAL(cases.size(), 34u);
  each_preference([this, &cases] {
    for (auto& [body, field] : cases)
      CAF_CHECK_EQUAL(
        refused("PATCH", "/api/v1/todos/t1", body.dump(), 400, field), "");
  });
  for (std::string body : {"[1]", R"({"title": )", R"("x")"})
    CAF_CHECK_EQUAL(refused("PATCH", "/api/v1/todos/t1", body, 400), "");
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(json nested too deeply is refused before it is parsed) {
  auto deep = R"({"title":"x","notes":)" + std::string(40, '[')
              + std::string(40, ']') + "}";
  auto res = call("POST", "/api/v1/todos", deep);
  CAF_CHECK_EQUAL(test::problem_mismatch(res, 400), "");
  auto doc = json::parse(res.body, nullptr, false);
  CAF_CHECK_NOT_EQUAL(doc.value("detail", "").find("deeper"),
                      std::string::npos);
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(C0 controls in titles and tags are refused and tab is not ) {
  headers.emplace_back("prefer", "wait=10");
  std::vector<field_case> bad{
    {{{"title", std::string{"a\0b", 3}}}, "title"},
    {{{"title", "line\nbreak"}}, "title"},
    {{{"title", "bell\x07"}}, "title"},
    {{{"title", "ok"}, {"tags", {"fine", "x\x1f"}}}, "tags/1"},
    {{{"title", "ok"}, {"tags", {std::string{"\0", 1}}}}, "tags/0"},
  };
  for (auto& [body, field] : bad)
    CAF_CHECK_EQUAL(refused("POST", "/api/v1/todos", body.dump(), 400, field),
                    "");
  headers.clear();
  CAF_CHECK_EQUAL(refused("PATCH", "/api/v1/todos/t1",
                          json{{"title", "x\x01"}}.dump(), 400, "title"),
                  "");
  CAF_CHECK(gate.calls.empty());
  // Tab is allowed: the create reaches the gateway with it.
  gate.outcome.request_id = "r_1";
  gate.outcome.code = actors::outcome_code::created;
  auto res = call("POST", "/api/v1/todos",
                  json{{"title", "a\tb"}, {"tags", {"c\td"}}}.dump());
  CAF_CHECK_EQUAL(res.status, 202);
  CAF_REQUIRE_EQUAL(gate.calls.size(), 1u);
  CAF_CHECK(gate.last.patch.title == std::optional<std::string>{"a\tb"});
  CAF_CHECK(gate.last.patch.tags
            == std::optional<std::vector<std::string>>{{"c\td"}});
}

CAF_TEST(only JSON media types are read) {
  auto post = [this](const std::string& path, const std::string& ctype,
                     const std::string& body) {
    web::http_request req;
    req.method = "POST";
    req.path = path;
    req.remote = "10.0.0.1";
    req.headers = {{"host", "127.0.0.1:8080"}, {"content-type", ctype}};
    req.headers.insert(req.headers.end(), headers.begin(), headers.end());
    req.body = body;
    return send(std::move(req));
  };
  for (std::string ctype :
       {"text/plain", "application/jsonp", "application/json-seq",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=latin1", "json", ""}) {
    auto why = test::problem_mismatch(post("/api/v1/todos", ctype,
                                           R"({"title":"typed"})"),
                                      415, "Content-Type");
    CAF_CHECK_EQUAL(why.empty() ? "" : ctype + ": " + why, "");
    why = test::problem_mismatch(post("/api/v1/auth/login", ctype,
                                      R"({"username":"a","password":"b"})"),
                                 415, "Content-Type");
    CAF_CHECK_EQUAL(why.empty() ? "" : ctype + ": " + why, "");
  }
  CAF_CHECK(gate.calls.empty());
  headers.emplace_back("prefer", "wait=10");
  gate.outcome.request_id = "r_1";
  gate.outcome.code = actors::outcome_code::created;
  for (std::string ctype :
       {"application/json", "Application/JSON; charset=UTF-8",
        "application/merge-patch+json"}) {
    auto res = post("/api/v1/todos", ctype, R"({"title":"typed"})");
    CAF_CHECK_EQUAL(res.status, 201);
  }
  CAF_CHECK_EQUAL(gate.calls.size(), 3u);
  CAF_CHECK(gate.last.patch.title == std::optional<std::string>{"typed"});
}

CAF_TEST_FIXTURE_SCOPE_END()
