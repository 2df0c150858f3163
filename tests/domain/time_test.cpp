#include <chrono>
#include <date/date.h>
#include <gtest/gtest.h>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/domain/time.hpp"

using actodo::actors::domain::append_rfc3339_ms;
using actodo::actors::domain::format_rfc3339_ms;
using actodo::actors::domain::now_ms;
using actodo::actors::domain::parse_rfc3339;

namespace {

/// 2026-11-23T12:16:07.123Z in epoch ms.
constexpr int64_t sample_ms = 1795436167123;

bool accepts(const char* str, bool date_only = false) {
  return parse_rfc3339(str, date_only).has_value();
}

int64_t parse(const char* str, bool date_only = false) {
  auto res = parse_rfc3339(str, date_only);
  // ASSERT_* only works in void functions: check, then end the test.
  EXPECT_TRUE(res.has_value()) << "not accepted: " << str;
  if (!res)
    throw std::runtime_error("not accepted by parse_rfc3339");
  return *res;
}

} // namespace

TEST(time, formatting) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(sample_ms), "2026-11-23T12:16:07.123Z");
  EXPECT_EQ(format_rfc3339_ms(1709164800000), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(time, formatting_writes_what_date_format_writes) {
  // The digits are written directly; date::format is the reference, over
  // both ends of the four-digit years and instants spread in between.
  auto reference = [](int64_t ms) {
    using std::chrono::milliseconds;
    return date::format("%FT%TZ",
                        date::sys_time<milliseconds>{milliseconds{ms}});
  };
  std::vector<int64_t> cases{0,
                             -1,
                             -62167219200000, // 0000-01-01T00:00:00.000Z
                             -62167219200001, // the last ms of year -1
                             253402300799999, // 9999-12-31T23:59:59.999Z
                             253402300800000, // 10000-01-01
                             951782400000, // 2000-02-29
                             sample_ms};
  std::mt19937_64 gen{42};
  std::uniform_int_distribution<int64_t> any{-62167219200000, 253402300799999};
  for (int i = 0; i < 100000; ++i)
    cases.push_back(any(gen));
  for (auto ms : cases) {
    ASSERT_EQ(format_rfc3339_ms(ms), reference(ms)) << ms;
    std::string out = "x";
    append_rfc3339_ms(out, ms);
    ASSERT_EQ(out, "x" + reference(ms)) << ms;
  }
}

TEST(time, now_is_plausible) {
  auto t = now_ms();
  EXPECT_GT(t, 1700000000000); // after 2023-11
  EXPECT_LT(t, 4102444800000); // before 2100
}

TEST(time, round_trip) {
  EXPECT_EQ(parse("2026-11-23T12:16:07.123Z"), sample_ms);
  for (int64_t x : {int64_t{0}, sample_ms, int64_t{1709251199999}}) {
    auto str = format_rfc3339_ms(x);
    EXPECT_EQ(parse(str.c_str()), x);
  }
}

TEST(time, offsets) {
  EXPECT_EQ(parse("2026-11-23T13:16:07.123+01:00"), sample_ms);
  EXPECT_EQ(parse("2026-11-23T07:46:07.123-04:30"), sample_ms);
  EXPECT_EQ(parse("2026-11-24T00:16:07.123+12:00"), sample_ms);
  EXPECT_EQ(parse("2026-11-23T12:16:07.123-00:00"), sample_ms);
  EXPECT_EQ(parse("2026-11-23T12:16:07.123+00:00"), sample_ms);
  EXPECT_EQ(parse("2026-11-23T12:16:07.123+23:59"),
            sample_ms - (23 * 60 + 59) * 60000);
}

TEST(time, lower_case_separators_and_fractions) {
  EXPECT_EQ(parse("2026-11-23t12:16:07.123z"), sample_ms);
  EXPECT_EQ(parse("2026-11-23T12:16:07Z"), sample_ms - 123);
  EXPECT_EQ(parse("2026-11-23T12:16:07.1Z"), sample_ms - 23);
  EXPECT_EQ(parse("2026-11-23T12:16:07.12Z"), sample_ms - 3);
  EXPECT_EQ(parse("2026-11-23T12:16:07.123999999Z"), sample_ms);
}

TEST(time, date_only) {
  EXPECT_TRUE(!accepts("2026-11-23"));
  EXPECT_TRUE(accepts("2026-11-23", true));
  EXPECT_EQ(parse("2026-11-23", true), sample_ms - 44167123);
  EXPECT_EQ(parse("1970-01-01", true), 0);
  EXPECT_EQ(parse("2024-02-29", true), 1709164800000);
}

TEST(time, calendar_validation) {
  EXPECT_TRUE(accepts("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(accepts("2000-02-29", true));
  EXPECT_TRUE(!accepts("2023-02-29T00:00:00Z"));
  EXPECT_TRUE(!accepts("2023-02-29", true));
  EXPECT_TRUE(!accepts("1900-02-29", true));
  EXPECT_TRUE(!accepts("2026-02-30", true));
  EXPECT_TRUE(!accepts("2026-04-31", true));
  EXPECT_TRUE(accepts("2026-12-31", true));
  EXPECT_TRUE(!accepts("2026-13-01", true));
  EXPECT_TRUE(!accepts("2026-00-10", true));
  EXPECT_TRUE(!accepts("2026-01-00", true));
  EXPECT_TRUE(!accepts("2026-01-32", true));
}

TEST(time, time_validation) {
  EXPECT_TRUE(accepts("2026-01-01T23:59:59Z"));
  EXPECT_TRUE(!accepts("2026-01-01T24:00:00Z"));
  EXPECT_TRUE(!accepts("2026-01-01T12:60:00Z"));
  EXPECT_TRUE(!accepts("2026-01-01T12:00:60Z"));
  EXPECT_TRUE(!accepts("2026-01-01T12:00:00+24:00"));
  EXPECT_TRUE(!accepts("2026-01-01T12:00:00+01:60"));
}

TEST(time, malformed_input) {
  for (auto str : {"",
                   "2026",
                   "2026-1-01",
                   "2026-01-1",
                   "26-01-01",
                   "2026-01-01T12:00:00", // missing offset
                   "2026-01-01 12:00:00Z", // space separator
                   "2026-01-01T12:00Z", // missing seconds
                   "2026-01-01T12:00:00.Z", // empty fraction
                   "2026-01-01T12:00:00,5Z", // comma fraction
                   "2026-01-01T12:00:00+0100",
                   "2026-01-01T12:00:00+01",
                   "2026-01-01T12:00:00+1:00",
                   "2026-01-01T12:00:00ZZ",
                   "2026-01-01T12:00:00Z ",
                   " 2026-01-01T12:00:00Z",
                   "2026-01-01T12:00:00UTC",
                   "2026/01/01",
                   "2026-01-01T",
                   "2026-01-01Z",
                   "+2026-01-01",
                   "2026-01-01T1a:00:00Z"}) {
    SCOPED_TRACE(std::string{"input: "} + str);
    EXPECT_TRUE(!accepts(str, true));
  }
}
