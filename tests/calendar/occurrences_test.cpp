#define CAF_SUITE calendar.occurrences

#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "actors/calendar/calendar.hpp"

namespace cal = actodo::actors::calendar;

namespace {

// Expected dates come from `date -d`, `zdump -v` and RFC 5545's examples.
constexpr int64_t s = 1000;

cal::local_time at(const char* str) {
  auto res = cal::parse_local(str);
  CAF_REQUIRE(res.has_value());
  return *res;
}

std::vector<cal::local_time> all(std::initializer_list<const char*> strs) {
  std::vector<cal::local_time> res;
  for (auto str : strs)
    res.push_back(at(str));
  return res;
}

std::vector<cal::local_time>
expand(const char* rule, const char* start, size_t limit,
       std::optional<cal::local_time> after = std::nullopt,
       const std::vector<cal::local_time>& exdates = {}) {
  return cal::occurrences(rule, at(start), exdates, after, limit);
}

std::vector<std::string> in_zone(const std::vector<cal::local_time>& xs,
                                 const char* zone) {
  std::vector<std::string> res;
  for (auto& x : xs)
    res.push_back(cal::format_in_zone(cal::to_instant(x, zone), zone));
  return res;
}

using strings = std::vector<std::string>;

} // namespace

CAF_TEST(daily across DST in New York) {
  auto xs = expand("FREQ=DAILY", "2026-03-07T09:00", 3);
  CAF_CHECK_EQUAL(
    xs, all({"2026-03-07T09:00", "2026-03-08T09:00", "2026-03-09T09:00"}));
  CAF_CHECK_EQUAL(in_zone(xs, "America/New_York"),
                  strings({"2026-03-07T09:00:00-05:00",
                           "2026-03-08T09:00:00-04:00",
                           "2026-03-09T09:00:00-04:00"}));
  CAF_CHECK_EQUAL(cal::to_instant(xs[0], "America/New_York"), 1772892000 * s);
  CAF_CHECK_EQUAL(cal::to_instant(xs[2], "America/New_York"), 1773061200 * s);
  auto ys = expand("FREQ=DAILY", "2026-10-31T09:00", 3);
  CAF_CHECK_EQUAL(in_zone(ys, "America/New_York"),
                  strings({"2026-10-31T09:00:00-04:00",
                           "2026-11-01T09:00:00-05:00",
                           "2026-11-02T09:00:00-05:00"}));
  CAF_CHECK_EQUAL(cal::to_instant(ys[0], "America/New_York"), 1793451600 * s);
  CAF_CHECK_EQUAL(cal::to_instant(ys[2], "America/New_York"), 1793628000 * s);
}

CAF_TEST(daily across DST in Berlin) {
  auto xs = expand("FREQ=DAILY", "2026-03-28T09:00", 3);
  CAF_CHECK_EQUAL(in_zone(xs, "Europe/Berlin"),
                  strings({"2026-03-28T09:00:00+01:00",
                           "2026-03-29T09:00:00+02:00",
                           "2026-03-30T09:00:00+02:00"}));
  CAF_CHECK_EQUAL(cal::to_instant(xs[0], "Europe/Berlin"), 1774684800 * s);
  CAF_CHECK_EQUAL(cal::to_instant(xs[2], "Europe/Berlin"), 1774854000 * s);
  auto ys = expand("FREQ=DAILY", "2026-10-24T09:00", 3);
  CAF_CHECK_EQUAL(in_zone(ys, "Europe/Berlin"),
                  strings({"2026-10-24T09:00:00+02:00",
                           "2026-10-25T09:00:00+01:00",
                           "2026-10-26T09:00:00+01:00"}));
  CAF_CHECK_EQUAL(cal::to_instant(ys[0], "Europe/Berlin"), 1792825200 * s);
  CAF_CHECK_EQUAL(cal::to_instant(ys[2], "Europe/Berlin"), 1793001600 * s);
  // A series at 02:30 meets the gap and the overlap.
  auto zs = expand("FREQ=DAILY", "2026-03-29T02:30", 1);
  CAF_CHECK_EQUAL(in_zone(zs, "Europe/Berlin"),
                  strings({"2026-03-29T03:30:00+02:00"}));
}

CAF_TEST(the 31st skips shorter months) {
  CAF_CHECK_EQUAL(expand("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31T09:00", 7),
                  all({"2026-01-31T09:00", "2026-03-31T09:00",
                       "2026-05-31T09:00", "2026-07-31T09:00",
                       "2026-08-31T09:00", "2026-10-31T09:00",
                       "2026-12-31T09:00"}));
  CAF_CHECK_EQUAL(
    expand("FREQ=MONTHLY;BYMONTHDAY=-1", "2024-01-31", 4),
    all({"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"}));
  CAF_CHECK_EQUAL(expand("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31", 3),
                  all({"2026-01-31", "2026-02-28", "2026-03-31"}));
}

CAF_TEST(leap days) {
  CAF_CHECK_EQUAL(
    expand("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2024-02-29T08:00", 3),
    all({"2024-02-29T08:00", "2028-02-29T08:00", "2032-02-29T08:00"}));
  // 2100 is no leap year.
  CAF_CHECK_EQUAL(expand("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2096-02-29",
                         2),
                  all({"2096-02-29", "2104-02-29"}));
}

CAF_TEST(last weekday and ordinals) {
  CAF_CHECK_EQUAL(
    expand("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2026-01-01", 12),
    all({"2026-01-30", "2026-02-27", "2026-03-31", "2026-04-30", "2026-05-29",
         "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-30",
         "2026-11-30", "2026-12-31"}));
  CAF_CHECK_EQUAL(
    expand("FREQ=MONTHLY;BYDAY=2TU", "2026-01-01T18:30", 3),
    all({"2026-01-13T18:30", "2026-02-10T18:30", "2026-03-10T18:30"}));
  CAF_CHECK_EQUAL(
    expand("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01", 4),
    all({"2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24"}));
  // A start that the rule does not match is not an occurrence.
  CAF_CHECK_EQUAL(expand("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-01-31", 2),
                  all({"2026-02-02", "2026-02-03"}));
}

CAF_TEST(count and until end the series) {
  CAF_CHECK_EQUAL(
    expand("FREQ=WEEKLY;COUNT=3", "2026-01-30T09:00", 10),
    all({"2026-01-30T09:00", "2026-02-06T09:00", "2026-02-13T09:00"}));
  // UNTIL is inclusive; a date UNTIL includes that whole day.
  CAF_CHECK_EQUAL(
    expand("FREQ=DAILY;UNTIL=20260201T090000", "2026-01-30T09:00", 10),
    all({"2026-01-30T09:00", "2026-01-31T09:00", "2026-02-01T09:00"}));
  CAF_CHECK_EQUAL(expand("FREQ=DAILY;UNTIL=20260201T085959", "2026-01-30T09:00",
                         10),
                  all({"2026-01-30T09:00", "2026-01-31T09:00"}));
  CAF_CHECK_EQUAL(
    expand("FREQ=DAILY;UNTIL=20260201", "2026-01-30T09:00", 10),
    all({"2026-01-30T09:00", "2026-01-31T09:00", "2026-02-01T09:00"}));
  CAF_CHECK_EQUAL(expand("FREQ=DAILY;UNTIL=20260201T120000", "2026-01-30", 10),
                  all({"2026-01-30", "2026-01-31", "2026-02-01"}));
  CAF_CHECK_EQUAL(expand("FREQ=DAILY;UNTIL=20260101", "2026-01-30", 10),
                  all({}));
}

CAF_TEST(exdates) {
  auto ex = all({"2026-02-06", "2026-02-13T10:00", "2026-02-20T09:00"});
  // EXDATEs do not give back counted occurrences.
  CAF_CHECK_EQUAL(
    expand("FREQ=WEEKLY;COUNT=5", "2026-01-30T09:00", 10, std::nullopt, ex),
    all({"2026-01-30T09:00", "2026-02-13T09:00", "2026-02-27T09:00"}));
  CAF_CHECK_EQUAL(expand("FREQ=DAILY", "2026-01-30", 3, std::nullopt,
                         all({"2026-01-31", "2026-02-01T00:00"})),
                  all({"2026-01-30", "2026-02-02", "2026-02-03"}));
}

CAF_TEST(after and limit) {
  auto rule = "FREQ=DAILY;COUNT=10";
  CAF_CHECK_EQUAL(expand(rule, "2026-01-01T09:00", 2, at("2026-01-05T09:00")),
                  all({"2026-01-06T09:00", "2026-01-07T09:00"}));
  CAF_CHECK_EQUAL(
    expand(rule, "2026-01-01T09:00", 5, at("2026-01-08T08:59")),
    all({"2026-01-08T09:00", "2026-01-09T09:00", "2026-01-10T09:00"}));
  CAF_CHECK_EQUAL(expand(rule, "2026-01-01T09:00", 5, at("2026-01-10T09:00")),
                  all({}));
  CAF_CHECK_EQUAL(expand(rule, "2026-01-01T09:00", 0), all({}));
  CAF_CHECK_EQUAL(expand(rule, "2026-01-01T09:00", 100).size(), 10u);
  // A date means 00:00: occurrences on that day at 09:00 are after it.
  CAF_CHECK_EQUAL(expand(rule, "2026-01-01T09:00", 1, at("2026-01-05")),
                  all({"2026-01-05T09:00"}));
  CAF_CHECK_EQUAL(expand("FREQ=DAILY", "2026-01-01", 1, at("2026-01-05")),
                  all({"2026-01-06"}));
}

CAF_TEST(from completion) {
  // Completed on Wednesday 2026-03-11; the series repeats on Mondays.
  auto rule = cal::without_count("FREQ=WEEKLY;COUNT=5;BYDAY=MO");
  auto done = at("2026-03-11T09:00");
  CAF_CHECK_EQUAL(cal::occurrences(rule, done, {}, done, 1),
                  all({"2026-03-16T09:00"}));
  auto every3 = at("2026-03-07T09:00");
  CAF_CHECK_EQUAL(cal::occurrences("FREQ=DAILY;INTERVAL=3", every3, {}, every3,
                                   1),
                  all({"2026-03-10T09:00"}));
}

CAF_TEST(never matching rules end quickly) {
  CAF_CHECK_EQUAL(expand("FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=2",
                         "2024-02-29T09:00", 5),
                  all({}));
  // libical searches these in one iterator step; the step bound stops it.
  CAF_CHECK_EQUAL(expand("FREQ=DAILY;BYMONTHDAY=30;BYMONTH=2",
                         "2024-02-29T09:00", 5),
                  all({}));
  CAF_CHECK_EQUAL(expand("FREQ=HOURLY;COUNT=5;BYMONTHDAY=30;BYMONTH=2",
                         "2024-02-29T09:00", 5),
                  all({}));
  CAF_CHECK_EQUAL(expand("FREQ=MONTHLY;BYMONTHDAY=30;BYMONTH=2",
                         "2024-02-29T09:00", 5),
                  all({}));
  // Even intervals never reach a leap year from 2025.
  CAF_CHECK_EQUAL(expand("FREQ=YEARLY;INTERVAL=4;BYMONTHDAY=29;BYMONTH=2",
                         "2025-02-28", 5),
                  all({}));
}

CAF_TEST(bounds) {
  // Huge intervals end at libical's last year, 2582.
  CAF_CHECK_EQUAL(expand("FREQ=YEARLY;INTERVAL=1000", "2026-01-30", 5),
                  all({"2026-01-30"}));
  CAF_CHECK_EQUAL(expand("FREQ=DAILY;INTERVAL=32767", "2026-01-30", 2),
                  all({"2026-01-30", "2115-10-18"}));
  CAF_CHECK_EQUAL(expand("FREQ=YEARLY", "2580-06-01", 5),
                  all({"2580-06-01", "2581-06-01", "2582-06-01"}));
  // max_steps: one step per occurrence looked at.
  auto start = at("2026-01-01");
  CAF_CHECK_EQUAL(
    cal::occurrences("FREQ=DAILY", start, {}, std::nullopt, 10, 3).size(), 3u);
  CAF_CHECK_EQUAL(cal::occurrences("FREQ=DAILY", start, {}, at("2026-01-03"),
                                   10, 3),
                  all({}));
  CAF_CHECK_EQUAL(
    cal::occurrences("FREQ=DAILY", start, {}, std::nullopt, 10, 0), all({}));
}

CAF_TEST(concurrent use) {
  const char* rules[] = {"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
                         "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
                         "FREQ=WEEKLY;COUNT=20;BYDAY=TU,TH", "garbage",
                         "FREQ=DAILY;BYDAY=9MO"};
  auto start = at("2026-03-01T09:00");
  auto run = [&] {
    std::vector<std::string> res;
    for (auto rule : rules) {
      cal::rule_error err;
      auto norm = cal::normalize_rrule(rule, err);
      res.push_back(norm.value_or(err.part + ": " + err.message));
      if (norm)
        for (auto& x : cal::occurrences(*norm, start, {}, std::nullopt, 30))
          res.push_back(cal::format_in_zone(cal::to_instant(x, "Europe/Berlin"),
                                            "America/New_York"));
    }
    return res;
  };
  auto expected = run();
  CAF_CHECK_EQUAL(expected.size(), 2u + 30 + 1 + 30 + 20 + 1 + 1);
  std::vector<std::vector<std::string>> results(4);
  std::vector<std::thread> threads;
  for (auto& res : results)
    threads.emplace_back([&res, &run] {
      for (int i = 0; i < 20; ++i)
        res = run();
    });
  for (auto& t : threads)
    t.join();
  for (auto& res : results)
    CAF_CHECK_EQUAL(res, expected);
}
