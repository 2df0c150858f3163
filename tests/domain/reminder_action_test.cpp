#define CAF_SUITE domain.reminder_action

#include <string>

#include "caf/test/unit_test.hpp"

#include "actors/domain/reminder_action.hpp"
#include "actors/domain/time.hpp"

using namespace actodo::domain;
using nlohmann::json;

namespace {

// 2026-03-01T00:00:00Z
constexpr int64_t now = 1772323200000;

std::string check(const json& body, bool snooze = true) {
  reminder_action out;
  auto err = parse_reminder_action(body, snooze, now, out);
  return err ? err->field : "ok";
}

} // namespace

CAF_TEST(valid snoozes and dismisses) {
  reminder_action out;
  CAF_CHECK(!parse_reminder_action(json{{"reminder", 2}, {"for", "PT10M"}},
                                   true, now, out));
  CAF_CHECK_EQUAL(out.index, 2u);
  CAF_CHECK_EQUAL(out.until_ms, now + 600000);
  CAF_CHECK(!parse_reminder_action(
    json{{"reminder", 0}, {"until", "2026-03-02T00:00:00Z"}}, true, now, out));
  CAF_CHECK_EQUAL(out.until_ms, now + 86400000);
  CAF_CHECK_EQUAL(check(json{{"reminder", 9}}, false), "ok");
}

CAF_TEST(negative or impossible durations and dates) {
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}, {"for", "-PT5M"}}), "for");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}, {"for", "PT0S"}}), "for");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}, {"for", "P400D"}}), "for");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}, {"for", 5}}), "for");
  CAF_CHECK_EQUAL(
    check(json{{"reminder", 0}, {"until", "2026-02-30T10:00:00Z"}}), "until");
  CAF_CHECK_EQUAL(
    check(json{{"reminder", 0}, {"until", "2026-02-28T10:00:00Z"}}), "until");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}}), "for");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0},
                             {"for", "PT5M"},
                             {"until", "2026-03-02T00:00:00Z"}}),
                  "for");
}

CAF_TEST(reminder indexes beyond any todo) {
  CAF_CHECK_EQUAL(check(json{{"reminder", 99}, {"for", "PT5M"}}), "reminder");
  CAF_CHECK_EQUAL(check(json{{"reminder", 10}}, false), "reminder");
  CAF_CHECK_EQUAL(check(json{{"reminder", -1}}, false), "reminder");
  CAF_CHECK_EQUAL(check(json{{"reminder", "0"}}, false), "reminder");
  CAF_CHECK_EQUAL(check(json{{"for", "PT5M"}}), "reminder");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}, {"for", "PT5M"}}, false), "for");
  CAF_CHECK_EQUAL(check(json{{"reminder", 0}, {"x", 1}}), "x");
  CAF_CHECK_EQUAL(check(json::array()), "");
}
