#define CAF_SUITE calendar.rrule

#include <string>

#include "caf/test/unit_test.hpp"

#include "actors/calendar/calendar.hpp"

namespace cal = actodo::actors::calendar;

namespace {

std::string normalize(const std::string& str) {
  cal::rule_error err;
  auto res = cal::normalize_rrule(str, err);
  if (!res)
    CAF_FAIL("rejected " << str << ": " << err.part << " " << err.message);
  return *res;
}

/// The part named by the error, or "accepted".
std::string blamed(const std::string& str) {
  cal::rule_error err;
  if (cal::normalize_rrule(str, err))
    return "accepted";
  CAF_CHECK(!err.message.empty());
  return err.part;
}

cal::local_time at(const char* str) {
  auto res = cal::parse_local(str);
  CAF_REQUIRE(res.has_value());
  return *res;
}

} // namespace

CAF_TEST(normalized rules) {
  CAF_CHECK_EQUAL(normalize("FREQ=DAILY"), "FREQ=DAILY");
  CAF_CHECK_EQUAL(normalize("freq=daily;"), "FREQ=DAILY");
  CAF_CHECK_EQUAL(normalize("BYMONTH=2;BYMONTHDAY=29;FREQ=YEARLY"),
                  "FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2");
  CAF_CHECK_EQUAL(normalize("FREQ=MONTHLY;BYDAY=2TU"),
                  "FREQ=MONTHLY;BYDAY=2TU");
  CAF_CHECK_EQUAL(normalize("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR"),
                  "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1");
  CAF_CHECK_EQUAL(normalize("FREQ=WEEKLY;WKST=SU;COUNT=3;INTERVAL=2;BYDAY=FR"),
                  "FREQ=WEEKLY;COUNT=3;INTERVAL=2;BYDAY=FR;WKST=SU");
  CAF_CHECK_EQUAL(normalize("FREQ=DAILY;UNTIL=20261231T235959"),
                  "FREQ=DAILY;UNTIL=20261231T235959");
  CAF_CHECK_EQUAL(normalize("FREQ=DAILY;COUNT=100000"),
                  "FREQ=DAILY;COUNT=100000");
  CAF_CHECK_EQUAL(normalize("FREQ=HOURLY;INTERVAL=8"),
                  "FREQ=HOURLY;INTERVAL=8");
  CAF_CHECK_EQUAL(normalize("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO"),
                  "FREQ=YEARLY;BYDAY=MO;BYWEEKNO=1");
  // Syntactically fine rules that never match are the expansion's business.
  CAF_CHECK_EQUAL(normalize("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
                  "FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=2");
}

CAF_TEST(rule errors name the part) {
  CAF_CHECK_EQUAL(blamed("FREQ=FORTNIGHTLY"), "FREQ");
  CAF_CHECK_EQUAL(blamed("FREQ=SECONDLY"), "FREQ");
  CAF_CHECK_EQUAL(blamed("FREQ=MINUTELY"), "FREQ");
  CAF_CHECK_EQUAL(blamed("INTERVAL=2"), "FREQ");
  CAF_CHECK_EQUAL(blamed("garbage"), "");
  CAF_CHECK_EQUAL(blamed(""), "FREQ");
  CAF_CHECK_EQUAL(blamed("RRULE:FREQ=DAILY"), "");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;COUNT=3;UNTIL=20260301"), "UNTIL");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;COUNT=0"), "COUNT");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;COUNT=100001"), "COUNT");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;COUNT=99999999999"), "COUNT");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;COUNT=x"), "COUNT");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;INTERVAL=0"), "INTERVAL");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;INTERVAL=40000"), "INTERVAL");
  CAF_CHECK_EQUAL(blamed("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0"), "BYSETPOS");
  CAF_CHECK_EQUAL(blamed("FREQ=MONTHLY;BYMONTHDAY=32"), "BYMONTHDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=MONTHLY;BYDAY=XX"), "BYDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=MONTHLY;BYDAY=6TU"), "BYDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;BYDAY=1TU"), "BYDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=YEARLY;BYMONTH=13"), "BYMONTH");
  CAF_CHECK_EQUAL(blamed("FREQ=MONTHLY;BYWEEKNO=3"), "BYWEEKNO");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;BYYEARDAY=3"), "BYYEARDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=WEEKLY;BYMONTHDAY=3"), "BYMONTHDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;UNTIL=tomorrow"), "UNTIL");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;WKST=XX"), "WKST");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;X-FOO=1"), "X-FOO");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;FREQ=WEEKLY"), "FREQ");
  CAF_CHECK_EQUAL(blamed("FREQ=DAILY;BYDAY=MO;byday=TU"), "BYDAY");
  CAF_CHECK_EQUAL(blamed("FREQ=YEARLY;RSCALE=HEBREW"), "RSCALE");
  CAF_CHECK_EQUAL(blamed(std::string("FREQ=DAILY\0", 11)), "");
  // libical skips empty parts, which makes long but valid rules easy.
  auto longest = "FREQ=DAILY" + std::string(990, ';');
  CAF_CHECK_EQUAL(blamed(longest), "accepted");
  CAF_CHECK_EQUAL(blamed(longest + ";"), "");
}

CAF_TEST(presets) {
  auto fri = at("2026-01-30T09:00"); // a Friday (`date -d 2026-01-30`)
  auto leap = at("2024-02-29");
  auto preset = [](const char* name, const cal::local_time& start) {
    return cal::preset_rrule(name, start).value_or("none");
  };
  CAF_CHECK_EQUAL(preset("daily", fri), "FREQ=DAILY");
  CAF_CHECK_EQUAL(preset("weekdays", fri), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
  CAF_CHECK_EQUAL(preset("weekly", fri), "FREQ=WEEKLY;BYDAY=FR");
  CAF_CHECK_EQUAL(preset("weekly", leap), "FREQ=WEEKLY;BYDAY=TH");
  CAF_CHECK_EQUAL(preset("monthly", fri), "FREQ=MONTHLY;BYMONTHDAY=30");
  CAF_CHECK_EQUAL(preset("monthly_last_weekday", fri),
                  "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1");
  CAF_CHECK_EQUAL(preset("yearly", leap),
                  "FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2");
  CAF_CHECK_EQUAL(preset("hourly", fri), "none");
  CAF_CHECK_EQUAL(preset("", fri), "none");
  for (auto name : {"daily", "weekdays", "weekly", "monthly",
                    "monthly_last_weekday", "yearly"})
    CAF_CHECK_EQUAL(normalize(preset(name, fri)), preset(name, fri));
}

CAF_TEST(count) {
  CAF_CHECK_EQUAL(cal::rule_count("FREQ=DAILY;COUNT=7"), 7);
  CAF_CHECK_EQUAL(cal::rule_count("FREQ=DAILY"), 0);
  CAF_CHECK_EQUAL(cal::rule_count("FREQ=DAILY;UNTIL=20260301"), 0);
  CAF_CHECK_EQUAL(cal::without_count("FREQ=WEEKLY;COUNT=5;BYDAY=MO"),
                  "FREQ=WEEKLY;BYDAY=MO");
  CAF_CHECK_EQUAL(cal::without_count("FREQ=DAILY;INTERVAL=3"),
                  "FREQ=DAILY;INTERVAL=3");
}
