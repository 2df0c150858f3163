#define CAF_SUITE domain.schedule

#include "caf/test/unit_test.hpp"

#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"

using namespace actodo::domain;

namespace {

int64_t ms(std::string_view rfc3339) {
  auto result = parse_rfc3339(rfc3339, false);
  if (!result)
    CAF_FAIL("bad test timestamp " << rfc3339);
  return *result;
}

todo with_due(std::string due, std::string zone = {}) {
  todo t;
  t.id = "t1";
  t.title = "x";
  t.due = std::move(due);
  t.time_zone = std::move(zone);
  return t;
}

reminder offset(int64_t offset_ms) {
  reminder r;
  r.offset_ms = offset_ms;
  return r;
}

} // namespace

CAF_TEST(a date means midnight in the todo zone) {
  // 2026-07-01 00:00 in Berlin (CEST, +02:00) is 2026-06-30T22:00Z.
  CAF_CHECK_EQUAL(due_instant(with_due("2026-07-01", "Europe/Berlin")),
                  ms("2026-06-30T22:00:00Z"));
  CAF_CHECK_EQUAL(due_instant(with_due("2026-07-01")),
                  ms("2026-07-01T00:00:00Z"));
  CAF_CHECK_EQUAL(due_instant(with_due("2026-07-01T09:00:00-04:00")),
                  ms("2026-07-01T13:00:00Z"));
}

CAF_TEST(wake_at is the first pending reminder of an open todo) {
  auto t = with_due("2026-07-01T09:00:00Z");
  CAF_CHECK_EQUAL(wake_at(t), -1);
  t.reminders = {offset(-15 * 60000), offset(-60 * 60000)};
  CAF_CHECK_EQUAL(wake_at(t), ms("2026-07-01T08:00:00Z"));
  t.reminders[1].state = reminder_state::fired;
  CAF_CHECK_EQUAL(wake_at(t), ms("2026-07-01T08:45:00Z"));
  t.reminders[0].snoozed_until = ms("2026-07-01T10:00:00Z");
  CAF_CHECK_EQUAL(wake_at(t), ms("2026-07-01T10:00:00Z"));
  t.reminders[0].state = reminder_state::dismissed;
  CAF_CHECK_EQUAL(wake_at(t), -1);
  rearm(t.reminders[0]);
  CAF_CHECK_EQUAL(wake_at(t), ms("2026-07-01T08:45:00Z"));
  t.completed = true;
  CAF_CHECK_EQUAL(wake_at(t), -1);
}

CAF_TEST(a from_due series wakes at its due instant until it has a next) {
  auto t = with_due("2026-07-01T09:00:00Z");
  t.recur = recurrence{};
  t.recur->rrule = "FREQ=DAILY";
  CAF_CHECK_EQUAL(wake_at(t), ms("2026-07-01T09:00:00Z"));
  CAF_CHECK(!needs_successor(t, ms("2026-07-01T08:59:59Z")));
  CAF_CHECK(needs_successor(t, ms("2026-07-01T09:00:00Z")));
  t.recur->next_id = "t2";
  CAF_CHECK_EQUAL(wake_at(t), -1);
  CAF_CHECK(!needs_successor(t, ms("2026-07-02T00:00:00Z")));
  t.recur->next_id.clear();
  t.recur->from_completion = true;
  CAF_CHECK(!needs_successor(t, ms("2026-07-02T00:00:00Z")));
  t.completed = true;
  CAF_CHECK(needs_successor(t, ms("2026-07-02T00:00:00Z")));
}

CAF_TEST(next occurrences keep the wall clock time across DST) {
  // Saturday before the spring-forward Sunday in New York.
  auto t = with_due("2026-03-07T09:00:00-05:00", "America/New_York");
  t.recur = recurrence{};
  t.recur->rrule = "FREQ=DAILY;COUNT=3";
  t.reminders = {offset(-600000)};
  t.reminders[0].state = reminder_state::fired;
  auto next = next_occurrence(t, ms("2026-03-06T00:00:00Z"));
  CAF_REQUIRE(next.has_value());
  CAF_CHECK_EQUAL(next->due, "2026-03-08T09:00:00-04:00");
  CAF_CHECK_EQUAL(next->recur->index, 2);
  CAF_CHECK_EQUAL(next->reminders[0].state, reminder_state::pending);
  CAF_CHECK_EQUAL(upcoming(t, 5),
                  (std::vector<std::string>{"2026-03-08T09:00:00-04:00",
                                            "2026-03-09T09:00:00-04:00"}));
  t.recur->index = 3;
  CAF_CHECK(!next_occurrence(t, ms("2026-03-06T00:00:00Z")).has_value());
}

CAF_TEST(from_completion continues after the completion day) {
  auto t = with_due("2026-01-10", "Europe/Berlin");
  t.recur = recurrence{};
  t.recur->rrule = "FREQ=WEEKLY;INTERVAL=2";
  t.recur->from_completion = true;
  t.completed = true;
  // Completed on 2026-02-03 at 23:30 Berlin time (22:30Z).
  t.completed_at = "2026-02-03T22:30:00.000Z";
  auto next = next_occurrence(t, ms("2026-02-03T22:30:00Z"));
  CAF_REQUIRE(next.has_value());
  CAF_CHECK_EQUAL(next->due, "2026-02-17");
}
