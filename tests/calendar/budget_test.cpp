#define CAF_SUITE calendar.budget

#include <string>

#include "caf/test/unit_test.hpp"

#include "actors/calendar/calendar.hpp"

namespace cal = actodo::actors::calendar;

namespace {

cal::local_time at(const char* str) {
  auto res = cal::parse_local(str);
  CAF_REQUIRE(res.has_value());
  return *res;
}

cal::expansion run(const char* rule, const char* start, size_t limit,
                   size_t budget) {
  cal::rule_error err;
  auto normalized = cal::normalize_rrule(rule, err);
  CAF_REQUIRE(normalized.has_value());
  return cal::expand(*normalized, at(start), {}, std::nullopt, limit, budget);
}

} // namespace

CAF_TEST(a rule that never matches exhausts the budget) {
  // (A YEARLY rule's budget of 1000 years reaches libical's horizon, the
  // year 2582: there the series ends by itself.)
  for (auto rule : {"FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2",
                    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
                    "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30"}) {
    CAF_MESSAGE(rule);
    auto res = run(rule, "2026-01-31T09:00:00", 10, 1000);
    CAF_CHECK(res.items.empty());
    CAF_CHECK(res.exhausted);
  }
}

CAF_TEST(ordinary rules stay within the budget) {
  auto res = run("FREQ=DAILY", "2026-01-01", 100, 1000);
  CAF_CHECK_EQUAL(res.items.size(), 100u);
  CAF_CHECK(!res.exhausted);
  res = run("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29", 100, 1000);
  CAF_CHECK_EQUAL(res.items.size(), 100u);
  CAF_CHECK(!res.exhausted);
}

CAF_TEST(a series that ends by itself is not exhausted) {
  auto res = run("FREQ=DAILY;COUNT=3", "2026-01-01", 10, 1000);
  CAF_CHECK_EQUAL(res.items.size(), 3u);
  CAF_CHECK(!res.exhausted);
  res = run("FREQ=WEEKLY;UNTIL=20260120", "2026-01-01", 10, 1000);
  CAF_CHECK_EQUAL(res.items.size(), 3u);
  CAF_CHECK(!res.exhausted);
  // libical's horizon (the year 2582) ends this one.
  res = run("FREQ=YEARLY;INTERVAL=1000", "2026-01-01", 10, 100000);
  CAF_CHECK_EQUAL(res.items.size(), 1u);
  CAF_CHECK(!res.exhausted);
  // No match before UNTIL: the rule's own end, not the budget's.
  res = run("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;UNTIL=20300101", "2026-01-01",
            10, 1000);
  CAF_CHECK(res.items.empty());
  CAF_CHECK(!res.exhausted);
}

CAF_TEST(sparse rules exhaust a small budget) {
  // 100 leap days need ~146,000 daily steps.
  auto res = run("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29", 100,
                 10000);
  CAF_CHECK(res.exhausted);
  CAF_CHECK_LESS(res.items.size(), 100u);
  CAF_CHECK_GREATER(res.items.size(), 0u);
}
