#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "actors/domain/quick_add.hpp"
#include "actors/domain/time.hpp"
#include "actors/domain/validation.hpp"

using namespace actodo::actors::domain;
using nlohmann::json;

namespace {

/// Monday 2026-11-30, 12:00 UTC (13:00 in Berlin).
constexpr const char* mon = "2026-11-30T12:00:00Z";
/// Tuesday 2026-12-01, 00:30 in Berlin (still Monday in UTC).
constexpr const char* mon_late = "2026-11-30T23:30:00Z";
/// Friday 2026-03-20 13:00 CET; Berlin springs forward on 2026-03-29.
constexpr const char* spring = "2026-03-20T12:00:00Z";
/// Saturday 2026-03-28 13:00 CET, the day before.
constexpr const char* eve = "2026-03-28T12:00:00Z";
/// Friday 2026-03-06 10:00 EST; New York springs forward on 2026-03-08.
constexpr const char* ny_fri = "2026-03-06T15:00:00Z";

constexpr const char* utc = "UTC";
constexpr const char* ber = "Europe/Berlin";
constexpr const char* ny = "America/New_York";

using strings = std::vector<std::string>;

/// One phrase and every field of the body it must give ("" = absent).
struct row {
  const char* text;
  const char* zone;
  const char* now;
  const char* title;
  const char* due;
  const char* time_zone;
  const char* rrule;
  strings tags;
  const char* project_id;
  const char* priority;
  strings reminders;
};

std::ostream& operator<<(std::ostream& out, const row& x) {
  return out << '"' << x.text << "\" in " << x.zone << " at " << x.now;
}

int64_t ms(std::string_view rfc3339) {
  auto result = parse_rfc3339(rfc3339, false);
  if (!result) {
    ADD_FAILURE() << "bad test timestamp " << rfc3339;
    throw std::runtime_error("bad test timestamp");
  }
  return *result;
}

const std::vector<project_ref> projects = {{"p-home", "Home"},
                                           {"p-work", "Work"}};

/// The body `x` expects.
json expected(const row& x) {
  json res{{"title", x.title}};
  auto set = [&res](const char* key, const char* value) {
    if (*value != '\0')
      res[key] = value;
  };
  set("due", x.due);
  set("time_zone", x.time_zone);
  if (*x.rrule != '\0')
    res["recurrence"] = {{"rrule", x.rrule}};
  if (!x.tags.empty())
    res["tags"] = x.tags;
  set("project_id", x.project_id);
  set("priority", x.priority);
  for (auto& offset : x.reminders)
    res["reminders"].push_back(json::object({{"offset", offset}}));
  return res;
}

quick_add_result parse(std::string_view text, std::string_view zone = "",
                       const char* now = mon) {
  auto res = parse_quick_add(text, zone, ms(now), projects);
  if (auto err = std::get_if<field_error>(&res)) {
    ADD_FAILURE() << "rejected " << text << ": " << err->field << " "
                  << err->detail;
    throw std::runtime_error("rejected");
  }
  return std::get<quick_add_result>(res);
}

field_error error_of(std::string_view text, std::string_view zone = "") {
  auto res = parse_quick_add(text, zone, ms(mon), projects);
  if (auto err = std::get_if<field_error>(&res))
    return *err;
  return field_error{"none", std::get<quick_add_result>(res).todo.dump()};
}

// clang-format off
const std::vector<row> rows = {
  // Dates (now: Monday 2026-11-30).
  {"buy milk today", "", mon, "buy milk", "2026-11-30", "", "", {}, "", "", {}},
  {"buy milk Tomorrow", "", mon, "buy milk", "2026-12-01", "", "", {}, "", "", {}},
  {"Monday meeting notes", "", mon, "meeting notes", "2026-11-30", "", "", {}, "", "", {}},
  {"call mom friday", "", mon, "call mom", "2026-12-04", "", "", {}, "", "", {}},
  {"call mom fri", "", mon, "call mom", "2026-12-04", "", "", {}, "", "", {}},
  {"water plants on sunday", "", mon, "water plants", "2026-12-06", "", "", {}, "", "", {}},
  {"water plants on sun", "", mon, "water plants", "2026-12-06", "", "", {}, "", "", {}},
  {"buy sun cream", "", mon, "buy sun cream", "", "", "", {}, "", "", {}},
  {"review next monday", "", mon, "review", "2026-12-07", "", "", {}, "", "", {}},
  {"review next friday", "", mon, "review", "2026-12-04", "", "", {}, "", "", {}},
  {"plan next week", "", mon, "plan", "2026-12-07", "", "", {}, "", "", {}},
  {"dentist in 3 days", "", mon, "dentist", "2026-12-03", "", "", {}, "", "", {}},
  {"dentist in a week", "", mon, "dentist", "2026-12-07", "", "", {}, "", "", {}},
  {"renew passport in 2 weeks", "", mon, "renew passport", "2026-12-14", "", "", {}, "", "", {}},
  {"gift dec 24", "", mon, "gift", "2026-12-24", "", "", {}, "", "", {}},
  {"gift December 24th", "", mon, "gift", "2026-12-24", "", "", {}, "", "", {}},
  {"gift 24 dec", "", mon, "gift", "2026-12-24", "", "", {}, "", "", {}},
  {"gift 24/12", "", mon, "gift", "2026-12-24", "", "", {}, "", "", {}},
  {"gift 24/12/2027", "", mon, "gift", "2027-12-24", "", "", {}, "", "", {}},
  {"gift 2026-12-24", "", mon, "gift", "2026-12-24", "", "", {}, "", "", {}},
  {"gift dec 24, 2027 wrap it", "", mon, "gift wrap it", "2027-12-24", "", "", {}, "", "", {}},
  {"party on 5 jan", "", mon, "party", "2027-01-05", "", "", {}, "", "", {}},
  {"party 5/1", "", mon, "party", "2027-01-05", "", "", {}, "", "", {}},
  {"birthday nov 29", "", mon, "birthday", "2027-11-29", "", "", {}, "", "", {}},
  {"deadline nov 30", "", mon, "deadline", "2026-11-30", "", "", {}, "", "", {}},
  {"leap day feb 29", "", mon, "leap day", "2028-02-29", "", "", {}, "", "", {}},
  {"trip 1st of march", "", mon, "trip", "2027-03-01", "", "", {}, "", "", {}},
  {"taxes 31/04", "", mon, "taxes 31/04", "", "", "", {}, "", "", {}},
  {"read 2026-02-30", "", mon, "read 2026-02-30", "", "", "", {}, "", "", {}},
  {"gift on dec 24", utc, mon, "gift", "2026-12-24", "UTC", "", {}, "", "", {}},
  // Times (12:00 UTC, 13:00 in Berlin).
  {"call bob 5pm", "", mon, "call bob", "2026-11-30T17:00:00+00:00", "", "", {}, "", "", {}},
  {"call bob 9am", "", mon, "call bob", "2026-12-01T09:00:00+00:00", "", "", {}, "", "", {}},
  {"call bob at 9AM", utc, mon, "call bob", "2026-12-01T09:00:00+00:00", "UTC", "", {}, "", "", {}},
  {"standup 5:30pm", "", mon, "standup", "2026-11-30T17:30:00+00:00", "", "", {}, "", "", {}},
  {"standup 17:00", "", mon, "standup", "2026-11-30T17:00:00+00:00", "", "", {}, "", "", {}},
  {"call 5 pm", "", mon, "call", "2026-11-30T17:00:00+00:00", "", "", {}, "", "", {}},
  {"lunch at noon", "", mon, "lunch", "2026-12-01T12:00:00+00:00", "", "", {}, "", "", {}},
  {"backup at midnight", "", mon, "backup", "2026-12-01T00:00:00+00:00", "", "", {}, "", "", {}},
  {"meet at 17:30 tomorrow", "", mon, "meet", "2026-12-01T17:30:00+00:00", "", "", {}, "", "", {}},
  {"tomorrow at 9am call bob", "", mon, "call bob", "2026-12-01T09:00:00+00:00", "", "", {}, "", "", {}},
  {"flight dec 24 at 6:15am", "", mon, "flight", "2026-12-24T06:15:00+00:00", "", "", {}, "", "", {}},
  {"deploy tomorrow at midnight", "", mon, "deploy", "2026-12-01T00:00:00+00:00", "", "", {}, "", "", {}},
  {"tomorrow: call mom", "", mon, "call mom", "2026-12-01", "", "", {}, "", "", {}},
  {"meet at the cafe", "", mon, "meet at the cafe", "", "", "", {}, "", "", {}},
  {"meet at 5", "", mon, "meet at 5", "", "", "", {}, "", "", {}},
  {"buy 3 apples", "", mon, "buy 3 apples", "", "", "", {}, "", "", {}},
  {"meet 5pm or 6pm", "", mon, "meet or 6pm", "2026-11-30T17:00:00+00:00", "", "", {}, "", "", {}},
  // Zones: the time of day and "today" are the zone's.
  {"call bob 9am", ber, mon, "call bob", "2026-12-01T09:00:00+01:00", ber, "", {}, "", "", {}},
  {"call bob 2pm", ber, mon, "call bob", "2026-11-30T14:00:00+01:00", ber, "", {}, "", "", {}},
  {"call bob tomorrow", ber, mon, "call bob", "2026-12-01", ber, "", {}, "", "", {}},
  {"call bob today", ber, mon_late, "call bob", "2026-12-01", ber, "", {}, "", "", {}},
  {"call bob tuesday", ber, mon_late, "call bob", "2026-12-01", ber, "", {}, "", "", {}},
  {"call bob today", "", mon_late, "call bob", "2026-11-30", "", "", {}, "", "", {}},
  {"dentist in 2 weeks at 9am", ber, spring, "dentist", "2026-04-03T09:00:00+02:00", ber, "", {}, "", "", {}},
  {"shift 2026-03-29 at 2:30", ber, spring, "shift", "2026-03-29T03:30:00+02:00", ber, "", {}, "", "", {}},
  {"brunch sunday at 9am", ny, ny_fri, "brunch", "2026-03-08T09:00:00-04:00", ny, "", {}, "", "", {}},
  {"brunch saturday 9am", ny, ny_fri, "brunch", "2026-03-07T09:00:00-05:00", ny, "", {}, "", "", {}},
  {"owls 2026-11-01 at 1:30am", ny, ny_fri, "owls", "2026-11-01T01:30:00-04:00", ny, "", {}, "", "", {}},
  // Recurrences.
  {"standup every day", "", mon, "standup", "2026-11-30", "", "FREQ=DAILY", {}, "", "", {}},
  {"vitamins daily", "", mon, "vitamins", "2026-11-30", "", "FREQ=DAILY", {}, "", "", {}},
  {"standup every weekday at 9am", "", mon, "standup", "2026-12-01T09:00:00+00:00", "", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", {}, "", "", {}},
  {"review every week", "", mon, "review", "2026-11-30", "", "FREQ=WEEKLY;BYDAY=MO", {}, "", "", {}},
  {"review weekly", "", mon, "review", "2026-11-30", "", "FREQ=WEEKLY;BYDAY=MO", {}, "", "", {}},
  {"report every month", "", mon, "report", "2026-11-30", "", "FREQ=MONTHLY;BYMONTHDAY=30", {}, "", "", {}},
  {"report monthly", "", mon, "report", "2026-11-30", "", "FREQ=MONTHLY;BYMONTHDAY=30", {}, "", "", {}},
  {"taxes every year", "", mon, "taxes", "2026-11-30", "", "FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=11", {}, "", "", {}},
  {"taxes yearly", "", mon, "taxes", "2026-11-30", "", "FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=11", {}, "", "", {}},
  {"gift every year on dec 24", "", mon, "gift", "2026-12-24", "", "FREQ=YEARLY;BYMONTHDAY=24;BYMONTH=12", {}, "", "", {}},
  {"gym every monday", "", mon, "gym", "2026-11-30", "", "FREQ=WEEKLY;BYDAY=MO", {}, "", "", {}},
  {"gym every monday and thursday", "", mon, "gym", "2026-11-30", "", "FREQ=WEEKLY;BYDAY=MO,TH", {}, "", "", {}},
  {"gym every mon, wed and fri at 7am", "", mon, "gym", "2026-12-02T07:00:00+00:00", "", "FREQ=WEEKLY;BYDAY=MO,WE,FR", {}, "", "", {}},
  {"gym every thu,tue 6pm", "", mon, "gym", "2026-12-01T18:00:00+00:00", "", "FREQ=WEEKLY;BYDAY=TU,TH", {}, "", "", {}},
  {"water every 2 weeks", "", mon, "water", "2026-11-30", "", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", {}, "", "", {}},
  {"water every 2 weeks on friday", "", mon, "water", "2026-12-04", "", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", {}, "", "", {}},
  {"water every 3 days", "", mon, "water", "2026-11-30", "", "FREQ=DAILY;INTERVAL=3", {}, "", "", {}},
  {"every other day stretch", "", mon, "stretch", "2026-11-30", "", "FREQ=DAILY;INTERVAL=2", {}, "", "", {}},
  {"clean every weekend", "", mon, "clean", "2026-12-05", "", "FREQ=WEEKLY;BYDAY=SA,SU", {}, "", "", {}},
  {"pay every 15th", "", mon, "pay", "2026-12-15", "", "FREQ=MONTHLY;BYMONTHDAY=15", {}, "", "", {}},
  {"invoice every month on the last day", "", mon, "invoice", "2026-11-30", "", "FREQ=MONTHLY;BYMONTHDAY=-1", {}, "", "", {}},
  {"rent every last day of the month", "", mon, "rent", "2026-11-30", "", "FREQ=MONTHLY;BYMONTHDAY=-1", {}, "", "", {}},
  {"water every 2 months on the 15th", "", mon, "water", "2027-01-15", "", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15", {}, "", "", {}},
  {"book club every 2nd tuesday", "", mon, "book club", "2026-12-08", "", "FREQ=MONTHLY;BYDAY=2TU", {}, "", "", {}},
  {"gym every monday at 9am", "", mon, "gym", "2026-12-07T09:00:00+00:00", "", "FREQ=WEEKLY;BYDAY=MO", {}, "", "", {}},
  {"review every last friday", "", mon, "review", "2026-12-25", "", "FREQ=MONTHLY;BYDAY=-1FR", {}, "", "", {}},
  {"meeting every first monday of the month", "", mon, "meeting", "2026-12-07", "", "FREQ=MONTHLY;BYDAY=1MO", {}, "", "", {}},
  {"stretch every day at 9am", ber, eve, "stretch", "2026-03-29T09:00:00+02:00", ber, "FREQ=DAILY", {}, "", "", {}},
  {"standup daily weekly", "", mon, "standup weekly", "2026-11-30", "", "FREQ=DAILY", {}, "", "", {}},
  {"pay rent every month on the 1st at 9am #home !high +home remind me 15 min before", ber, mon,
   "pay rent", "2026-12-01T09:00:00+01:00", ber, "FREQ=MONTHLY;BYMONTHDAY=1", {"home"}, "p-home", "high", {"-PT15M"}},
  // Tags, priorities, projects.
  {"read #books #Books", "", mon, "read", "", "", "", {"books"}, "", "", {}},
  {"café #café-crème #a/b_c", "", mon, "café", "", "", "", {"café-crème", "a/b_c"}, "", "", {}},
  {"email #work, then #home.", "", mon, "email, then.", "", "", "", {"work", "home"}, "", "", {}},
  {"C# basics # #a+b", "", mon, "C# basics # #a+b", "", "", "", {}, "", "", {}},
  {"p1 fix prod", "", mon, "fix prod", "", "", "", {}, "", "urgent", {}},
  {"fix P2", "", mon, "fix", "", "", "", {}, "", "high", {}},
  {"fix p3 now", "", mon, "fix now", "", "", "", {}, "", "medium", {}},
  {"fix p4", "", mon, "fix", "", "", "", {}, "", "low", {}},
  {"fix !low !high", "", mon, "fix !high", "", "", "", {}, "", "low", {}},
  {"!Urgent call", "", mon, "call", "", "", "", {}, "", "urgent", {}},
  {"p5 mp3 player", "", mon, "p5 mp3 player", "", "", "", {}, "", "", {}},
  {"plan +Home", "", mon, "plan", "", "", "", {}, "p-home", "", {}},
  {"plan +garden", "", mon, "plan +garden", "", "", "", {}, "", "", {}},
  {"plan +work +home", "", mon, "plan +home", "", "", "", {}, "p-work", "", {}},
  // Reminders.
  {"file taxes tomorrow remind me 2 days before", "", mon, "file taxes", "2026-12-01", "", "", {}, "", "", {"-P2D"}},
  {"call tomorrow 10am remind me 1 hour before", "", mon, "call", "2026-12-01T10:00:00+00:00", "", "", {}, "", "", {"-PT1H"}},
  {"call tomorrow 10am remind me 30 minutes before", "", mon, "call", "2026-12-01T10:00:00+00:00", "", "", {}, "", "", {"-PT30M"}},
  {"call tomorrow remind me an hour before remind me 15min before", "", mon, "call", "2026-12-01", "", "", {}, "", "", {"-PT1H", "-PT15M"}},
  {"remind me 15 min before to stretch", "", mon, "remind me 15 min before to stretch", "", "", "", {}, "", "", {}},
  // What stays in the title.
  {"todays special", "", mon, "todays special", "", "", "", {}, "", "", {}},
  {"everyday-ish habits", "", mon, "everyday-ish habits", "", "", "", {}, "", "", {}},
  {"work on project", "", mon, "work on project", "", "", "", {}, "", "", {}},
  {"next steps in the garden", "", mon, "next steps in the garden", "", "", "", {}, "", "", {}},
  {"every now and then", "", mon, "every now and then", "", "", "", {}, "", "", {}},
  {"call tomorrow, then friday", "", mon, "call, then friday", "2026-12-01", "", "", {}, "", "", {}},
  {"buy milk today!", "", mon, "buy milk!", "2026-11-30", "", "", {}, "", "", {}},
};
// clang-format on

struct QuickAddPhrases : ::testing::TestWithParam<row> {};

} // namespace

TEST_P(QuickAddPhrases, gives_the_expected_body) {
  auto& x = GetParam();
  EXPECT_EQ(parse(x.text, x.zone, x.now).todo, expected(x)) << x;
}

INSTANTIATE_TEST_SUITE_P(QuickAdd, QuickAddPhrases, ::testing::ValuesIn(rows));

TEST(QuickAdd, the_table_is_big_enough) {
  EXPECT_GE(rows.size(), 70u);
}

TEST(QuickAdd, every_body_passes_the_create_validation) {
  for (auto& x : rows) {
    auto body = parse(x.text, x.zone, x.now).todo;
    body.erase("project_id"); // the validator learns it separately
    todo_patch out;
    auto err = parse_patch(body, patch_mode::create, out);
    EXPECT_FALSE(err.has_value())
      << x << ": " << (err ? err->field + " " + err->detail : "");
  }
}

TEST(QuickAdd, spans_count_code_points) {
  using spans = std::vector<quick_add_span>;
  EXPECT_EQ(parse("Café tomorrow").spans, (spans{{5, 13, "date"}}));
  // U+1F389 is one code point (four bytes).
  EXPECT_EQ(parse("\xF0\x9F\x8E\x89 party tomorrow").spans,
            (spans{{8, 16, "date"}}));
  auto x = parse("Café ☕ at 7pm #fête!");
  EXPECT_EQ(x.spans, (spans{{7, 13, "time"}, {14, 19, "tag"}}));
  EXPECT_EQ(x.todo["title"], "Café ☕!");
  // `on` belongs to the date, the punctuation after it does not.
  EXPECT_EQ(parse("call on friday.").spans, (spans{{5, 14, "date"}}));
}

TEST(QuickAdd, spans_cover_one_phrase_each_in_text_order) {
  using spans = std::vector<quick_add_span>;
  auto x = parse("pay rent every month on the 1st at 9am #home !high +home "
                 "remind me 15 min before",
                 "Europe/Berlin");
  EXPECT_EQ(x.spans, (spans{{9, 31, "recurrence"},
                            {32, 38, "time"},
                            {39, 44, "tag"},
                            {45, 50, "priority"},
                            {51, 56, "project"},
                            {57, 80, "reminder"}}));
  EXPECT_EQ(parse("gym every mon, wed and fri").spans,
            (spans{{4, 26, "recurrence"}}));
  // Later dates stay in the title and get no span; unknown projects too.
  EXPECT_EQ(parse("a friday b monday +garden").spans, (spans{{2, 8, "date"}}));
  EXPECT_EQ(parse("meet at the cafe").spans, spans{});
}

TEST(QuickAdd, rejects_text_that_leaves_no_title) {
  EXPECT_EQ(error_of("").field, "text");
  EXPECT_EQ(error_of("  \t\n").field, "text");
  EXPECT_EQ(error_of("\xC2\xA0").field, "text"); // U+00A0
  EXPECT_EQ(error_of("tomorrow").field, "text");
  EXPECT_EQ(error_of("  on friday at 5pm  ").field, "text");
  EXPECT_EQ(error_of("#a #b p1").field, "text");
  EXPECT_EQ(error_of("every day").field, "text");
  EXPECT_EQ(error_of("tomorrow, ").field, "text");
}

TEST(QuickAdd, rejects_text_over_the_title_limit) {
  std::string text(max_title_length, 'a');
  EXPECT_EQ(parse(text).todo["title"], text);
  EXPECT_EQ(error_of(text + "b").field, "text");
  // Code points, not bytes: 500 two-byte letters are fine.
  std::string wide;
  for (size_t i = 0; i < max_title_length; ++i)
    wide += "é";
  EXPECT_EQ(parse(wide).todo["title"], wide);
}

TEST(QuickAdd, rejects_an_unknown_zone) {
  EXPECT_EQ(error_of("call bob", "Mars/Olympus").field, "time_zone");
}

TEST(QuickAdd, caps_tags_at_the_validation_limits) {
  std::string text = "x";
  for (size_t i = 0; i < max_tags + 1; ++i)
    text += " #t" + std::to_string(i);
  auto x = parse(text).todo;
  EXPECT_EQ(x["tags"].size(), max_tags);
  EXPECT_EQ(x["title"], "x #t20");
  std::string long_tag = "#" + std::string(max_tag_length + 1, 'a');
  EXPECT_EQ(parse("x " + long_tag).todo["title"], "x " + long_tag);
}
