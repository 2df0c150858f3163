#include <gtest/gtest.h>
#include <string>

#include "actors/domain/reminder_action.hpp"
#include "actors/domain/time.hpp"

using namespace actodo::actors::domain;
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

TEST(reminder_action, valid_snoozes_and_dismisses) {
  reminder_action out;
  EXPECT_TRUE(!parse_reminder_action(json{{"reminder", 2}, {"for", "PT10M"}},
                                     true, now, out));
  EXPECT_EQ(out.index, 2u);
  EXPECT_EQ(out.until_ms, now + 600000);
  EXPECT_TRUE(!parse_reminder_action(
    json{{"reminder", 0}, {"until", "2026-03-02T00:00:00Z"}}, true, now, out));
  EXPECT_EQ(out.until_ms, now + 86400000);
  EXPECT_EQ(check(json{{"reminder", 9}}, false), "ok");
}

TEST(reminder_action, negative_or_impossible_durations_and_dates) {
  EXPECT_EQ(check(json{{"reminder", 0}, {"for", "-PT5M"}}), "for");
  EXPECT_EQ(check(json{{"reminder", 0}, {"for", "PT0S"}}), "for");
  EXPECT_EQ(check(json{{"reminder", 0}, {"for", "P400D"}}), "for");
  EXPECT_EQ(check(json{{"reminder", 0}, {"for", 5}}), "for");
  EXPECT_EQ(check(json{{"reminder", 0}, {"until", "2026-02-30T10:00:00Z"}}),
            "until");
  EXPECT_EQ(check(json{{"reminder", 0}, {"until", "2026-02-28T10:00:00Z"}}),
            "until");
  EXPECT_EQ(check(json{{"reminder", 0}}), "for");
  EXPECT_EQ(check(json{{"reminder", 0},
                       {"for", "PT5M"},
                       {"until", "2026-03-02T00:00:00Z"}}),
            "for");
}

TEST(reminder_action, reminder_indexes_beyond_any_todo) {
  EXPECT_EQ(check(json{{"reminder", 99}, {"for", "PT5M"}}), "reminder");
  EXPECT_EQ(check(json{{"reminder", 10}}, false), "reminder");
  EXPECT_EQ(check(json{{"reminder", -1}}, false), "reminder");
  EXPECT_EQ(check(json{{"reminder", "0"}}, false), "reminder");
  EXPECT_EQ(check(json{{"for", "PT5M"}}), "reminder");
  EXPECT_EQ(check(json{{"reminder", 0}, {"for", "PT5M"}}, false), "for");
  EXPECT_EQ(check(json{{"reminder", 0}, {"x", 1}}), "x");
  EXPECT_EQ(check(json::array()), "");
}
