#define CAF_SUITE calendar.local

#include "caf/test/unit_test.hpp"

#include "actors/calendar/calendar.hpp"

namespace cal = actodo::actors::calendar;

namespace {

bool accepts(const char* str) {
  return cal::parse_local(str).has_value();
}

} // namespace

CAF_TEST(parse local) {
  auto x = cal::parse_local("2024-02-29");
  CAF_REQUIRE(x.has_value());
  CAF_CHECK(x->date_only);
  CAF_CHECK_EQUAL(x->year, 2024);
  CAF_CHECK_EQUAL(x->month, 2);
  CAF_CHECK_EQUAL(x->day, 29);
  auto y = cal::parse_local("2026-12-31T23:59:58");
  CAF_REQUIRE(y.has_value());
  CAF_CHECK(!y->date_only);
  CAF_CHECK_EQUAL(y->hour, 23);
  CAF_CHECK_EQUAL(y->minute, 59);
  CAF_CHECK_EQUAL(y->second, 58);
  auto z = cal::parse_local("2026-03-08T02:30");
  CAF_REQUIRE(z.has_value());
  CAF_CHECK_EQUAL(z->second, 0);
  CAF_CHECK_EQUAL(cal::to_string(*z), "2026-03-08T02:30:00");
  CAF_CHECK_EQUAL(cal::to_string(*x), "2024-02-29");
}

CAF_TEST(parse local rejections) {
  CAF_CHECK(!accepts("2026-02-29")); // 2026 is no leap year
  CAF_CHECK(!accepts("2100-02-29")); // neither is 2100
  CAF_CHECK(accepts("2000-02-29"));
  CAF_CHECK(!accepts("2026-13-01"));
  CAF_CHECK(!accepts("2026-00-10"));
  CAF_CHECK(!accepts("2026-04-31"));
  CAF_CHECK(!accepts("2026-04-00"));
  CAF_CHECK(!accepts("2026-04-01T24:00"));
  CAF_CHECK(!accepts("2026-04-01T23:60"));
  CAF_CHECK(!accepts("2026-04-01T23:59:60"));
  CAF_CHECK(!accepts("2026-04-01T23"));
  CAF_CHECK(!accepts("2026-04-01T23:59:5"));
  CAF_CHECK(!accepts("2026-04-01t23:59"));
  CAF_CHECK(!accepts("2026-04-01 23:59"));
  CAF_CHECK(!accepts("2026-04-01T23:59Z"));
  CAF_CHECK(!accepts("2026-04-01T23:59:00.000"));
  CAF_CHECK(!accepts("2026-4-01"));
  CAF_CHECK(!accepts("+026-04-01"));
  CAF_CHECK(!accepts("20260401"));
  CAF_CHECK(!accepts(""));
}

CAF_TEST(order and equality) {
  auto date = *cal::parse_local("2026-03-08");
  auto midnight = *cal::parse_local("2026-03-08T00:00");
  auto later = *cal::parse_local("2026-03-08T00:00:01");
  CAF_CHECK(!(date == midnight));
  CAF_CHECK(date < midnight);
  CAF_CHECK(!(midnight < date));
  CAF_CHECK(midnight < later);
  CAF_CHECK(*cal::parse_local("2025-12-31T23:59:59") < date);
  CAF_CHECK(!(later < later));
  CAF_CHECK(later == *cal::parse_local("2026-03-08T00:00:01"));
}
