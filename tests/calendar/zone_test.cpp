#define CAF_SUITE calendar.zone

#include "caf/test/unit_test.hpp"

#include "actors/calendar/calendar.hpp"

namespace cal = actodo::actors::calendar;

namespace {

// Expected instants come from `zdump -v` and GNU `date -u -d ... +%s`.
constexpr int64_t s = 1000;

cal::local_time at(const char* str) {
  auto res = cal::parse_local(str);
  CAF_REQUIRE(res.has_value());
  return *res;
}

int64_t ny(const char* str) {
  return cal::to_instant(at(str), "America/New_York");
}

int64_t berlin(const char* str) {
  return cal::to_instant(at(str), "Europe/Berlin");
}

} // namespace

CAF_TEST(valid zones) {
  CAF_CHECK(cal::valid_zone("Europe/Berlin"));
  CAF_CHECK(cal::valid_zone("America/New_York"));
  CAF_CHECK(cal::valid_zone("UTC"));
  CAF_CHECK(cal::valid_zone("Asia/Kathmandu"));
  CAF_CHECK(!cal::valid_zone("Mars/Olympus"));
  CAF_CHECK(!cal::valid_zone(""));
  CAF_CHECK(!cal::valid_zone("../etc/passwd"));
  CAF_CHECK(!cal::valid_zone("/etc/passwd"));
  CAF_CHECK(!cal::valid_zone("Europe/../Europe/Berlin"));
  CAF_CHECK(!cal::valid_zone("europe/berlin"));
  CAF_CHECK(!cal::valid_zone("Europe/Berlin "));
}

CAF_TEST(unique local times) {
  CAF_CHECK_EQUAL(ny("2026-03-07T09:00"), 1772892000 * s);
  CAF_CHECK_EQUAL(ny("2026-03-09T09:00"), 1773061200 * s);
  CAF_CHECK_EQUAL(ny("2026-10-31T09:00"), 1793451600 * s);
  CAF_CHECK_EQUAL(ny("2026-11-02T09:00"), 1793628000 * s);
  CAF_CHECK_EQUAL(berlin("2026-03-28T09:00"), 1774684800 * s);
  CAF_CHECK_EQUAL(berlin("2026-03-30T09:00"), 1774854000 * s);
  CAF_CHECK_EQUAL(berlin("2026-10-24T09:00"), 1792825200 * s);
  CAF_CHECK_EQUAL(berlin("2026-10-26T09:00"), 1793001600 * s);
  CAF_CHECK_EQUAL(cal::to_instant(at("1970-01-01T05:30"), "Asia/Kolkata"), 0);
  CAF_CHECK_EQUAL(cal::to_instant(at("1969-12-31T23:59:59"), "UTC"), -s);
  // A date means 00:00 of that day.
  CAF_CHECK_EQUAL(cal::to_instant(at("1900-01-01"), "UTC"), -2208988800 * s);
}

CAF_TEST(nonexistent times move forward by the gap) {
  // 02:30 on spring-forward day is 03:30 EDT = 07:30Z.
  CAF_CHECK_EQUAL(ny("2026-03-08T02:30"), 1772955000 * s);
  CAF_CHECK_EQUAL(ny("2026-03-08T02:30"), ny("2026-03-08T03:30"));
  // 02:30 in Berlin is 03:30 CEST = 01:30Z.
  CAF_CHECK_EQUAL(berlin("2026-03-29T02:30"), 1774747800 * s);
  CAF_CHECK_EQUAL(cal::format_in_zone(berlin("2026-03-29T02:30"),
                                      "Europe/Berlin"),
                  "2026-03-29T03:30:00+02:00");
}

CAF_TEST(ambiguous times take the first instant) {
  // 01:30 on fall-back day: EDT 05:30Z, not EST 06:30Z.
  CAF_CHECK_EQUAL(ny("2026-11-01T01:30"), 1793511000 * s);
  CAF_CHECK_EQUAL(cal::format_in_zone(1793511000 * s, "America/New_York"),
                  "2026-11-01T01:30:00-04:00");
  CAF_CHECK_EQUAL(cal::format_in_zone(1793514600 * s, "America/New_York"),
                  "2026-11-01T01:30:00-05:00");
  // 02:30 in Berlin: CEST 00:30Z, not CET 01:30Z.
  CAF_CHECK_EQUAL(berlin("2026-10-25T02:30"), 1792888200 * s);
  CAF_CHECK_EQUAL(cal::format_in_zone(1792888200 * s, "Europe/Berlin"),
                  "2026-10-25T02:30:00+02:00");
}

CAF_TEST(to local) {
  CAF_CHECK_EQUAL(cal::to_local(1793514600 * s, "America/New_York"),
                  at("2026-11-01T01:30"));
  CAF_CHECK_EQUAL(cal::to_local(1792891800 * s + 999, "Europe/Berlin"),
                  at("2026-10-25T02:30"));
  CAF_CHECK_EQUAL(cal::to_local(-1, "UTC"), at("1969-12-31T23:59:59"));
  CAF_CHECK_EQUAL(cal::to_local(1700000000 * s, "Asia/Kathmandu"),
                  at("2023-11-15T03:58:20"));
  CAF_CHECK(!cal::to_local(0, "UTC").date_only);
}

CAF_TEST(format in zone) {
  CAF_CHECK_EQUAL(cal::format_in_zone(0, "UTC"), "1970-01-01T00:00:00+00:00");
  CAF_CHECK_EQUAL(cal::format_in_zone(-1, "UTC"), "1969-12-31T23:59:59+00:00");
  CAF_CHECK_EQUAL(cal::format_in_zone(0, "Asia/Kolkata"),
                  "1970-01-01T05:30:00+05:30");
  CAF_CHECK_EQUAL(cal::format_in_zone(1700000000 * s, "Asia/Kathmandu"),
                  "2023-11-15T03:58:20+05:45");
  CAF_CHECK_EQUAL(cal::format_in_zone(1700000000 * s, "America/St_Johns"),
                  "2023-11-14T18:43:20-03:30");
}
