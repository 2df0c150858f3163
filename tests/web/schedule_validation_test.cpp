#define CAF_SUITE web.schedule_validation

// Reminders, recurrences, snoozes, dismissals and previews that do not
// decode: a 400 problem naming the field, and the gateway never asked
// (formerly cases of tests/integration/test_reminders.py and
// test_hardening_recurrence.py).

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

struct fixture : test::router_fixture {
  /// Empty when `method path` with `body` is answered with a problem of
  /// `status` naming `field`, else the request and what differs.
  std::string refused(const std::string& method, const std::string& path,
                      const std::string& body, int status,
                      const std::string& field) {
    auto why = test::problem_mismatch(call(method, path, body), status, field);
    return why.empty() ? why : method + " " + path + " " + body + ": " + why;
  }
};

/// `{"title":"x"}` plus `fields`.
std::string titled(json fields) {
  fields["title"] = "x";
  return fields.dump();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(schedule_validation_tests, fixture)

CAF_TEST(bad reminders and recurrences are refused naming the field) {
  headers.emplace_back("prefer", "wait=10");
  json at{{"at", "2026-12-01T00:00:00Z"}};
  json eleven = json::array();
  for (int i = 0; i < 11; ++i)
    eleven.push_back(at);
  struct {
    json fields;
    std::string field;
  } cases[] = {
    {{{"reminders", {{{"offset", "-PT15M"}}}}}, "reminders/0/offset"},
    {{{"reminders", {{{"offset", "P1M"}}}}, {"due", "2026-12-01"}},
     "reminders/0/offset"},
    {{{"reminders", {{{"at", "tomorrow"}}}}}, "reminders/0/at"},
    {{{"reminders", {{{"at", "2026-12-01T00:00:00Z"}, {"offset", "PT0S"}}}}},
     "reminders/0"},
    {{{"reminders", eleven}}, "reminders"},
    {{{"reminders", {{{"at", "2026-12-01T00:00:00Z"}, {"misfire", "often"}}}}},
     "reminders/0/misfire"},
    {{{"time_zone", "Mars/Olympus"}}, "time_zone"},
    {{{"recurrence", {{"rrule", "FREQ=DAILY"}}}}, "recurrence"},
    {{{"recurrence", {{"rrule", "FREQ=SOMETIMES"}}}, {"due", "2026-12-01"}},
     "recurrence/rrule"},
    {{{"recurrence", {{"preset", "hourly"}}}, {"due", "2026-12-01"}},
     "recurrence/preset"},
    {{{"recurrence", {{"rrule", "FREQ=DAILY"}, {"mode", "x"}}},
      {"due", "2026-12-01"}},
     "recurrence/mode"},
    {{{"recurrence", {{"rrule", "FREQ=DAILY"}, {"exdates", {"someday"}}}},
      {"due", "2026-12-01"}},
     "recurrence/exdates/0"},
  };
  for (auto& [fields, field] : cases)
    CAF_CHECK_EQUAL(
      refused("POST", "/api/v1/todos", titled(fields), 400, field), "");
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(schedules without due and bad reminder actions write nothing) {
  // Issue 12, point 13: refused at the edge, before any todo list sees
  // them (what only the list can tell stays in the integration suite).
  json daily{{"rrule", "FREQ=DAILY"}};
  auto snooze = std::string{"/api/v1/todos/t1/reminders/0/snooze"};
  struct {
    std::string method;
    std::string path;
    std::string body;
    std::string field;
  } cases[] = {
    {"POST", "/api/v1/todos", titled({{"recurrence", daily}}), "recurrence"},
    {"POST", "/api/v1/todos", titled({{"reminders", {{{"offset", "-PT5M"}}}}}),
     "reminders/0/offset"},
    {"PATCH", "/api/v1/todos/t1",
     json{{"due", nullptr}, {"recurrence", daily}}.dump(), "recurrence"},
    {"POST", snooze, R"({"for":"-PT5M"})", "for"},
    {"POST", snooze, R"({"for":"PT0S"})", "for"},
    {"POST", snooze, R"({"until":"2026-02-30T10:00:00Z"})", "until"},
    {"POST", snooze, R"({"until":"2001-01-01T10:00:00Z"})", "until"},
    {"POST", "/api/v1/todos/t1/reminders/99/snooze", R"({"for":"PT5M"})",
     "reminder"},
    {"POST", "/api/v1/todos/t1/reminders/99/dismiss", "", "reminder"},
  };
  for (auto wait : {false, true}) {
    headers.clear();
    if (wait)
      headers.emplace_back("prefer", "wait=10");
    for (auto& x : cases)
      CAF_CHECK_EQUAL(refused(x.method, x.path, x.body, 400, x.field), "");
  }
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(previews of rules that do not decode are refused) {
  CAF_CHECK_EQUAL(refused_query("/api/v1/occurrences",
                                {{"rrule", "FREQ=DAILY;COUNT=1;UNTIL=20270101"},
                                 {"due", "2026-01-01"}},
                                400, "rrule"),
                  "");
  CAF_CHECK_EQUAL(
    refused_query("/api/v1/occurrences",
                  {{"preset", "daily"}, {"due", "2026-01-01"}, {"limit", "0"}},
                  400, "limit"),
    "");
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
