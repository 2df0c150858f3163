#include <gtest/gtest.h>
#include <stdexcept>

#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"

using namespace actodo::actors::domain;

namespace {

int64_t ms(std::string_view rfc3339) {
  auto result = parse_rfc3339(rfc3339, false);
  if (!result) {
    // FAIL() only works in void functions: record, then end the test.
    ADD_FAILURE() << "bad test timestamp " << rfc3339;
    throw std::runtime_error("bad test timestamp");
  }
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

TEST(schedule, a_date_means_midnight_in_the_todo_zone) {
  // 2026-07-01 00:00 in Berlin (CEST, +02:00) is 2026-06-30T22:00Z.
  EXPECT_EQ(due_instant(with_due("2026-07-01", "Europe/Berlin")),
            ms("2026-06-30T22:00:00Z"));
  EXPECT_EQ(due_instant(with_due("2026-07-01")), ms("2026-07-01T00:00:00Z"));
  EXPECT_EQ(due_instant(with_due("2026-07-01T09:00:00-04:00")),
            ms("2026-07-01T13:00:00Z"));
}

TEST(schedule, wake_at_is_the_first_pending_reminder_of_an_open_todo) {
  auto t = with_due("2026-07-01T09:00:00Z");
  EXPECT_EQ(wake_at(t), -1);
  t.reminders = {offset(-15 * 60000), offset(-60 * 60000)};
  EXPECT_EQ(wake_at(t), ms("2026-07-01T08:00:00Z"));
  t.reminders[1].state = reminder_state::fired;
  EXPECT_EQ(wake_at(t), ms("2026-07-01T08:45:00Z"));
  t.reminders[0].snoozed_until = ms("2026-07-01T10:00:00Z");
  EXPECT_EQ(wake_at(t), ms("2026-07-01T10:00:00Z"));
  t.reminders[0].state = reminder_state::dismissed;
  EXPECT_EQ(wake_at(t), -1);
  rearm(t.reminders[0]);
  EXPECT_EQ(wake_at(t), ms("2026-07-01T08:45:00Z"));
  t.completed = true;
  EXPECT_EQ(wake_at(t), -1);
}

TEST(schedule, a_from_due_series_wakes_at_its_due_instant_until_it_has_a_next) {
  auto t = with_due("2026-07-01T09:00:00Z");
  t.recur = recurrence{};
  t.recur->rrule = "FREQ=DAILY";
  EXPECT_EQ(wake_at(t), ms("2026-07-01T09:00:00Z"));
  EXPECT_TRUE(!needs_successor(t, ms("2026-07-01T08:59:59Z")));
  EXPECT_TRUE(needs_successor(t, ms("2026-07-01T09:00:00Z")));
  t.recur->next_id = "t2";
  EXPECT_EQ(wake_at(t), -1);
  EXPECT_TRUE(!needs_successor(t, ms("2026-07-02T00:00:00Z")));
  t.recur->next_id.clear();
  t.recur->from_completion = true;
  EXPECT_TRUE(!needs_successor(t, ms("2026-07-02T00:00:00Z")));
  t.completed = true;
  EXPECT_TRUE(needs_successor(t, ms("2026-07-02T00:00:00Z")));
}

TEST(schedule, next_occurrences_keep_the_wall_clock_time_across_DST) {
  // Saturday before the spring-forward Sunday in New York.
  auto t = with_due("2026-03-07T09:00:00-05:00", "America/New_York");
  t.recur = recurrence{};
  t.recur->rrule = "FREQ=DAILY;COUNT=3";
  t.reminders = {offset(-600000)};
  t.reminders[0].state = reminder_state::fired;
  auto next = next_occurrence(t, ms("2026-03-06T00:00:00Z"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->due, "2026-03-08T09:00:00-04:00");
  EXPECT_EQ(next->recur->index, 2);
  EXPECT_EQ(next->reminders[0].state, reminder_state::pending);
  EXPECT_EQ(upcoming(t, 5),
            (std::vector<std::string>{"2026-03-08T09:00:00-04:00",
                                      "2026-03-09T09:00:00-04:00"}));
  t.recur->index = 3;
  EXPECT_TRUE(!next_occurrence(t, ms("2026-03-06T00:00:00Z")).has_value());
}

TEST(schedule, from_completion_continues_after_the_completion_day) {
  auto t = with_due("2026-01-10", "Europe/Berlin");
  t.recur = recurrence{};
  t.recur->rrule = "FREQ=WEEKLY;INTERVAL=2";
  t.recur->from_completion = true;
  t.completed = true;
  // Completed on 2026-02-03 at 23:30 Berlin time (22:30Z).
  t.completed_ms = ms("2026-02-03T22:30:00Z");
  auto next = next_occurrence(t, ms("2026-02-03T22:30:00Z"));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->due, "2026-02-17");
}
