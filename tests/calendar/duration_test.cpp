#define CAF_SUITE calendar.duration

#include "caf/test/unit_test.hpp"

#include "actors/calendar/calendar.hpp"

namespace cal = actodo::actors::calendar;

namespace {

constexpr int64_t s = 1000;
constexpr int64_t day = 86400 * s;

int64_t parse(const char* str) {
  auto res = cal::parse_duration(str);
  CAF_REQUIRE(res.has_value());
  return *res;
}

bool accepts(const char* str) {
  return cal::parse_duration(str).has_value();
}

} // namespace

CAF_TEST(parse durations) {
  CAF_CHECK_EQUAL(parse("-PT15M"), -15 * 60 * s);
  CAF_CHECK_EQUAL(parse("+PT15M"), 15 * 60 * s);
  CAF_CHECK_EQUAL(parse("P1D"), day);
  CAF_CHECK_EQUAL(parse("PT1H30M"), 5400 * s);
  CAF_CHECK_EQUAL(parse("P2W"), 14 * day);
  CAF_CHECK_EQUAL(parse("P1W1DT1H1M1S"), 8 * day + 3661 * s);
  CAF_CHECK_EQUAL(parse("PT0S"), 0);
  CAF_CHECK_EQUAL(parse("P0D"), 0);
  CAF_CHECK_EQUAL(parse("PT36H"), 36 * 3600 * s);
  CAF_CHECK_EQUAL(parse("P366D"), 366 * day);
  CAF_CHECK_EQUAL(parse("-P366D"), -366 * day);
  CAF_CHECK_EQUAL(parse("PT31622400S"), 366 * day);
}

CAF_TEST(rejected durations) {
  CAF_CHECK(!accepts(""));
  CAF_CHECK(!accepts("P"));
  CAF_CHECK(!accepts("PT"));
  CAF_CHECK(!accepts("-P"));
  CAF_CHECK(!accepts("P1DT"));
  CAF_CHECK(!accepts("P1M")); // months have no fixed length
  CAF_CHECK(!accepts("P1Y"));
  CAF_CHECK(!accepts("P1H")); // time units need the T
  CAF_CHECK(!accepts("PT1D"));
  CAF_CHECK(!accepts("P1D1W")); // wrong order
  CAF_CHECK(!accepts("PT1M1H"));
  CAF_CHECK(!accepts("PT1H1H"));
  CAF_CHECK(!accepts("P1DT1H1M1S1S"));
  CAF_CHECK(!accepts("P367D"));
  CAF_CHECK(!accepts("P366DT1S"));
  CAF_CHECK(!accepts("P53W"));
  CAF_CHECK(!accepts("PT31622401S"));
  CAF_CHECK(!accepts("P99999999999999999999999D"));
  CAF_CHECK(!accepts("PT1.5H"));
  CAF_CHECK(!accepts("p1d")); // designators are upper case only
  CAF_CHECK(!accepts("pt15m"));
  CAF_CHECK(!accepts("P-1D"));
  CAF_CHECK(!accepts("--P1D"));
  CAF_CHECK(!accepts(" P1D"));
  CAF_CHECK(!accepts("P1D "));
  CAF_CHECK(!accepts("PD"));
  CAF_CHECK(!accepts("1D"));
}

CAF_TEST(format durations) {
  CAF_CHECK_EQUAL(cal::format_duration(0), "PT0S");
  CAF_CHECK_EQUAL(cal::format_duration(-15 * 60 * s), "-PT15M");
  CAF_CHECK_EQUAL(cal::format_duration(day + 2 * 3600 * s), "P1DT2H");
  CAF_CHECK_EQUAL(cal::format_duration(5400 * s), "PT1H30M");
  CAF_CHECK_EQUAL(cal::format_duration(14 * day), "P14D");
  CAF_CHECK_EQUAL(cal::format_duration(day + 61 * s), "P1DT1M1S");
  CAF_CHECK_EQUAL(cal::format_duration(1999), "PT1S"); // whole seconds
  CAF_CHECK_EQUAL(cal::format_duration(-999), "PT0S");
}

CAF_TEST(round trips) {
  for (int64_t x : {int64_t{0}, -15 * 60 * s, day + 2 * 3600 * s, 366 * day,
                    -366 * day, 86399 * s, 3 * day + 59 * s, -s}) {
    auto str = cal::format_duration(x);
    CAF_CHECK_EQUAL(parse(str.c_str()), x);
  }
  for (auto str : {"-PT15M", "P1DT2H", "PT0S", "P366D", "PT1H30M5S"})
    CAF_CHECK_EQUAL(cal::format_duration(parse(str)), str);
}
