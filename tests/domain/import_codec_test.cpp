#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

#include "actors/calendar/calendar.hpp"
#include "io/codec/command_body.hpp"
#include "io/codec/export_codec.hpp"
#include "io/codec/import_codec.hpp"

using namespace actodo::actors::domain;
using namespace actodo::io::codec;
using nlohmann::json;

namespace {

constexpr int64_t now = 1769940000000; // 2026-02-01T10:00:00.000Z

std::string text_of(const std::optional<field_error>& err) {
  return err ? err->field + ": " + err->detail : "ok";
}

std::string index_error(import_format f, std::string_view payload,
                        size_t max_items = 1000) {
  import_index index;
  return text_of(index_import(f, payload, max_items, index));
}

import_index index_ok(import_format f, std::string_view payload) {
  import_index index;
  auto err = index_import(f, payload, 100000, index);
  EXPECT_FALSE(err) << text_of(err);
  return index;
}

/// The text of each item.
std::vector<std::string> items(import_format f, std::string_view payload) {
  std::vector<std::string> out;
  for (auto& span : index_ok(f, payload).items)
    out.emplace_back(payload.substr(span.offset, span.length));
  return out;
}

/// "ok" and the body of every item, or the first error as "i: field:
/// detail".
struct decoded {
  std::string error = "ok";
  std::vector<import_item> items;
};

decoded decode_all(import_format f, std::string_view payload) {
  decoded out;
  auto index = index_ok(f, payload);
  for (size_t i = 0; i < index.items.size(); ++i) {
    import_item item;
    if (auto err = decode_item(f, payload, index, index.items[i], item)) {
      out.error = std::to_string(i) + ": " + text_of(err);
      return out;
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

/// The body of the only item, or a failure.
json one_body(import_format f, std::string_view payload) {
  auto x = decode_all(f, payload);
  EXPECT_EQ(x.error, "ok");
  EXPECT_EQ(x.items.size(), 1u);
  return x.items.empty() ? json{} : x.items.front().body;
}

/// The error of the only item.
std::string one_error(import_format f, std::string_view payload) {
  auto index = index_ok(f, payload);
  EXPECT_EQ(index.items.size(), 1u);
  if (index.items.empty())
    return "no item";
  import_item item;
  return text_of(decode_item(f, payload, index, index.items[0], item));
}

std::string vcalendar(std::string_view body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
         + std::string{body} + "END:VCALENDAR\r\n";
}

std::string vtodo(std::string_view props) {
  return vcalendar("BEGIN:VTODO\r\nUID:u1\r\n" + std::string{props}
                   + "END:VTODO\r\n");
}

std::string rrule(std::string_view x) {
  actodo::actors::calendar::rule_error err;
  return actodo::actors::calendar::normalize_rrule(x, err).value_or("bad");
}

std::string export_all(std::string_view format, const std::vector<todo>& xs) {
  auto exporter = make_exporter(format);
  // Two pages, as the export streams them (in this order).
  std::vector<todo> first(xs.begin(), xs.begin() + 1);
  std::vector<todo> rest(xs.begin() + 1, xs.end());
  auto out = exporter->begin();
  out += exporter->page(first);
  out += exporter->page(rest);
  out += exporter->end();
  return out;
}

/// `x` as `apply_patch` creates it from an imported body.
todo created_from(const json& body, const todo& original) {
  todo_patch patch;
  std::string canonical_text;
  auto err = decode_todo_body(body, true, patch, canonical_text);
  EXPECT_FALSE(err) << text_of(err);
  todo t;
  t.id = original.id;
  t.created_ms = original.created_ms;
  apply_patch(patch, patch_mode::create, now, t);
  return t;
}

reminder offset_reminder(int64_t ms, misfire_policy m) {
  reminder r;
  r.offset_ms = ms;
  r.misfire = m;
  return r;
}

reminder at_reminder(std::string at) {
  reminder r;
  r.at = std::move(at);
  return r;
}

todo base(std::string id, std::string title) {
  todo t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.created_ms = 1767600000000; // 2026-01-05T08:00:00.000Z
  t.updated_ms = now;
  return t;
}

/// Todos that every format carries in full.
std::vector<todo> portable_todos() {
  std::vector<todo> out;
  auto t = base("t-berlin", "Weekly review, \"the\" one");
  t.notes = "line one\nline two; with, punctuation\\";
  t.prio = priority::high;
  t.tags = {"work", "a,b", "Übung"};
  t.due = "2026-03-29T09:00:00+02:00";
  t.time_zone = "Europe/Berlin";
  t.reminders = {offset_reminder(-15 * 60000, misfire_policy::fire_once),
                 offset_reminder(-86400000, misfire_policy::fire_once),
                 at_reminder("2026-03-28T18:00:00Z")};
  t.recur = recurrence{};
  t.recur->rrule = rrule("FREQ=WEEKLY;BYDAY=SU,WE");
  t.recur->exdates = {"2026-04-05T09:00:00", "2026-04-12T09:00:00"};
  t.recur->series_id = t.id;
  out.push_back(t);

  t = base("t-date", "Christmas 🎄");
  t.prio = priority::urgent;
  t.tags = {"home", "family"};
  t.due = "2026-12-24";
  t.recur = recurrence{};
  t.recur->rrule = rrule("FREQ=YEARLY");
  t.recur->exdates = {"2027-12-24"};
  t.recur->series_id = t.id;
  out.push_back(t);

  t = base("t-utc", "Call back");
  t.completed = true;
  t.completed_ms = now;
  t.prio = priority::low;
  t.due = "2026-05-01T10:30:00Z";
  t.recur = recurrence{};
  t.recur->rrule = rrule("FREQ=DAILY;COUNT=5");
  t.recur->exdates = {"2026-05-03T10:30:00"};
  t.recur->series_id = t.id;
  out.push_back(t);

  t = base("t-plain", "Plain");
  t.prio = priority::medium;
  out.push_back(t);
  return out;
}

/// Plus what only JSON and CSV carry: order, misfire policies, the mode,
/// a zone with a date-only due, tags that force the JSON form.
std::vector<todo> all_todos() {
  auto out = portable_todos();
  out[0].order = 2.5;
  out[0].reminders[0].misfire = misfire_policy::skip;
  out[0].recur->from_completion = true;
  out[1].time_zone = "America/New_York";
  out[1].order = -1e-7;
  out[1].reminders = {offset_reminder(9 * 3600000, misfire_policy::skip)};
  auto t = base("t-brackets", "Tags like JSON");
  t.tags = {"[x", "y"};
  t.order = 12345678.125;
  out.push_back(t);
  return out;
}

void expect_round_trip(std::string_view format, import_format f,
                       const std::vector<todo>& todos) {
  auto text = export_all(format, todos);
  auto x = decode_all(f, text);
  ASSERT_EQ(x.error, "ok") << text;
  ASSERT_EQ(x.items.size(), todos.size());
  std::vector<todo> again;
  for (size_t i = 0; i < todos.size(); ++i) {
    auto t = created_from(x.items[i].body, todos[i]);
    EXPECT_EQ(to_json(t).dump(2), to_json(todos[i]).dump(2))
      << format << " item " << i << ": " << x.items[i].body.dump();
    again.push_back(t);
  }
  if (format != "ics") {
    EXPECT_EQ(export_all(format, again), text);
  }
}

/// `text` without its DTSTAMP lines (the time of the export).
std::string without_dtstamp(std::string text) {
  for (auto at = text.find("DTSTAMP:"); at != std::string::npos;
       at = text.find("DTSTAMP:"))
    text.erase(at, text.find("\r\n", at) + 2 - at);
  return text;
}

} // namespace

// -- Formats ---------------------------------------------------------------

TEST(import_codec, formats_by_media_type) {
  EXPECT_EQ(import_format_of("text/calendar"), import_format::ics);
  EXPECT_EQ(import_format_of("application/json"), import_format::json);
  EXPECT_EQ(import_format_of("text/csv"), import_format::csv);
  EXPECT_EQ(import_format_of("text/plain"), std::nullopt);
  EXPECT_EQ(import_format_of(""), std::nullopt);
  EXPECT_EQ(to_string(import_format::ics), "ics");
  EXPECT_EQ(to_string(import_format::json), "json");
  EXPECT_EQ(to_string(import_format::csv), "csv");
}

// -- JSON ------------------------------------------------------------------

TEST(import_codec, json_index_records_each_element) {
  std::string payload = "\xEF\xBB\xBF \n[ {\"title\":\"a ] } , [ \\\" \\\\\"} ,"
                        "\n[1,[2,{\"x\":\"]\"}]]\t,\"s,]\" , {} ]\r\n";
  EXPECT_EQ(items(import_format::json, payload),
            (std::vector<std::string>{R"({"title":"a ] } , [ \" \\"})",
                                      R"([1,[2,{"x":"]"}]])", R"("s,]")",
                                      "{}"}));
  EXPECT_TRUE(items(import_format::json, "[]").empty());
  EXPECT_TRUE(items(import_format::json, " [ \n ] \n").empty());
  EXPECT_EQ(items(import_format::json, "[null]"),
            (std::vector<std::string>{"null"}));
}

TEST(import_codec, json_index_refuses_what_is_no_array) {
  auto no_array = "body: must be a JSON array of todos";
  for (auto x : {"", "   ", "{\"title\":\"x\"}", "\"[\"", "x["})
    EXPECT_EQ(index_error(import_format::json, x), no_array) << x;
  auto open = "body: the JSON array is not terminated";
  for (auto x : {"[", "[{}", "[{},", "[\"abc]", "[{\"a\":\"\\\"}]", "[[]"})
    EXPECT_EQ(index_error(import_format::json, x), open) << x;
  EXPECT_EQ(index_error(import_format::json, "[] []"),
            "body: text after the JSON array at byte 3");
  EXPECT_EQ(index_error(import_format::json, "[1,,2]"),
            "body: empty array element at byte 3");
  EXPECT_EQ(index_error(import_format::json, "[1, ]"),
            "body: empty array element at byte 4");
  EXPECT_EQ(index_error(import_format::json, "[{}}]"),
            "body: unexpected `}` at byte 3");
}

TEST(import_codec, json_decode_drops_server_members) {
  auto body = one_body(import_format::json, R"([{
    "id": "t1", "version": 7, "created_at": "2026-01-01T00:00:00.000Z",
    "updated_at": "2026-01-02T00:00:00.000Z", "completed_at": null,
    "url": "http://x/todos/t1", "project": "p", "project_id": 3,
    "title": "Buy milk", "notes": "", "completed": false, "priority": "low",
    "tags": ["a"], "due": "2026-03-01", "order": 1, "time_zone": null,
    "reminders": [{"offset": "-PT1H", "misfire": "skip", "state": "fired",
                   "next": null, "fired_at": "2026-02-28T23:00:00.000Z",
                   "snoozed_until": null}],
    "recurrence": {"rrule": "FREQ=DAILY", "exdates": [], "mode": "from_due",
                   "series_id": "t0", "index": 3, "next_id": null,
                   "ended": false, "end_reason": null}}])");
  EXPECT_EQ(body, json::parse(R"({
    "title": "Buy milk", "notes": "", "completed": false, "priority": "low",
    "tags": ["a"], "due": "2026-03-01", "order": 1, "time_zone": null,
    "reminders": [{"offset": "-PT1H", "misfire": "skip"}],
    "recurrence": {"rrule": "FREQ=DAILY", "exdates": [], "mode": "from_due"}})"));
}

TEST(import_codec, json_decode_errors_name_the_field) {
  auto f = import_format::json;
  EXPECT_EQ(one_error(f, R"([{"title":"x","priority":"critical"}])"),
            "priority: must be one of none, low, medium, high, urgent");
  EXPECT_EQ(one_error(f, R"([{"title":"x","tags":["a","A"]}])"),
            "tags/1: duplicate tag (tags are compared ignoring case)");
  EXPECT_EQ(one_error(f, R"([{"title":"x","colour":"red"}])"),
            "colour: unknown field");
  EXPECT_EQ(one_error(f, R"([{"notes":"x"}])"), "title: is required");
  EXPECT_EQ(one_error(f, R"([["title"]])"), ": item must be a JSON object");
  EXPECT_EQ(one_error(f, R"([{"title":"x",}])"),
            ": the item is not valid JSON (UTF-8)");
  EXPECT_EQ(one_error(f, "[{\"title\":\"bad \xff\"}]"),
            ": the item is not valid JSON (UTF-8)");
  std::string deep = "[{\"title\":\"x\",\"notes\":" + std::string(40, '[')
                     + std::string(40, ']') + "}]";
  EXPECT_EQ(one_error(f, deep), ": JSON nested deeper than 32");
  // Deeper than anything a parser could recurse into: indexed, then
  // refused per item without a stack overflow.
  std::string very_deep = "[" + std::string(1000000, '[')
                          + std::string(1000000, ']') + ",{\"title\":\"ok\"}]";
  auto x = index_ok(f, very_deep);
  ASSERT_EQ(x.items.size(), 2u);
  import_item item;
  EXPECT_EQ(text_of(decode_item(f, very_deep, x, x.items[0], item)),
            ": the item is larger than 1024 KiB");
  EXPECT_EQ(text_of(decode_item(f, very_deep, x, x.items[1], item)), "ok");
  EXPECT_EQ(item.body, json({{"title", "ok"}}));
}

// -- CSV -------------------------------------------------------------------

TEST(import_codec, csv_index_follows_quotes_and_line_breaks) {
  std::string payload = "\xEF\xBB\xBFtitle,notes\r\n"
                        "a,\"two\r\nlines, \"\"quoted\"\"\"\r\n"
                        "\"b\nc\",\n"
                        "\r\n"
                        "d,e\r"
                        "f,\"\"\r\n"
                        "\r\n\n";
  auto index = index_ok(import_format::csv, payload);
  EXPECT_EQ(index.columns, (std::vector<std::string>{"title", "notes"}));
  EXPECT_EQ(items(import_format::csv, payload),
            (std::vector<std::string>{"a,\"two\r\nlines, \"\"quoted\"\"\"",
                                      "\"b\nc\",", "", "d,e", "f,\"\""}));
  EXPECT_EQ(one_body(import_format::csv,
                     "title,notes\r\na,\"two\r\nlines, \"\"q\"\"\"\r\n"),
            json({{"title", "a"}, {"notes", "two\r\nlines, \"q\""}}));
  // An empty field is absent; a title with a line break is refused by the
  // API's rules, not by the CSV reader.
  EXPECT_EQ(one_error(import_format::csv, "title,notes\n\"b\nc\",\n"),
            "title: column `title`: must not contain control characters "
            "(except tab)");
}

TEST(import_codec, csv_index_refuses_bad_headers_and_quotes) {
  auto f = import_format::csv;
  EXPECT_EQ(index_error(f, ""), "body: the first row must be a header row "
                                "naming the columns (title is required)");
  EXPECT_EQ(index_error(f, "title,colour\r\nx,red\r\n"),
            "body: unknown column `colour` (columns: id, title, notes, "
            "completed, completed_at, priority, tags, due, time_zone, order, "
            "created_at, updated_at, reminders, recurrence, archived, "
            "project, parent_id)");
  EXPECT_EQ(index_error(f, "title,notes,Title\r\n"),
            "body: column `title` appears twice");
  EXPECT_EQ(index_error(f, "notes,due\r\nx,\r\n"),
            "body: the header has no `title` column");
  EXPECT_EQ(index_error(f, "title\r\nok\r\n\"open\r\nstill open\r\n"),
            "body: line 3: a quoted field is not terminated");
  EXPECT_EQ(index_error(f, "\"title\r\n"),
            "body: line 1: a quoted field is not terminated");
  // A header of a million commas is refused without a million strings.
  EXPECT_EQ(index_error(f, "title" + std::string(1000000, ',') + "\r\n"),
            "body: the header names more than the 17 columns there are");
  // Names are matched ignoring ASCII case and surrounding blanks.
  EXPECT_EQ(index_ok(f, " Title ,DUE\r\n").columns,
            (std::vector<std::string>{"title", "due"}));
}

TEST(import_codec, csv_decode_reads_each_column) {
  auto f = import_format::csv;
  auto body = one_body(
    f,
    "id,title,notes,completed,completed_at,priority,tags,due,time_zone,"
    "order,created_at,updated_at,reminders,recurrence\r\n"
    "x1,Pay,,TRUE,2026-01-01T00:00:00Z,high,\"a,b c\",2026-03-01T09:00:00+01:"
    "00,Europe/Paris,-3.5,junk,junk,\"[{\"\"offset\"\":\"\"-PT5M\"\","
    "\"\"state\"\":\"\"fired\"\"}]\",\"{\"\"rrule\"\":\"\"FREQ=DAILY\"\","
    "\"\"series_id\"\":\"\"x0\"\"}\"\r\n");
  EXPECT_EQ(body, json::parse(R"({"title":"Pay","completed":true,
    "priority":"high","tags":["a","b c"],"due":"2026-03-01T09:00:00+01:00",
    "time_zone":"Europe/Paris","order":-3.5,
    "reminders":[{"offset":"-PT5M"}],"recurrence":{"rrule":"FREQ=DAILY"}})"));
  EXPECT_EQ(one_body(f, "tags,title\r\n\"[\"\"x,y\"\",\"\"[z\"\"]\",T\r\n"),
            json::parse(R"({"title":"T","tags":["x,y","[z"]})"));
}

TEST(import_codec, csv_decode_errors_name_the_column) {
  auto f = import_format::csv;
  EXPECT_EQ(one_error(f, "title,notes,due\r\na,b\r\n"),
            ": the row has 2 fields, the header 3");
  EXPECT_EQ(one_error(f, "title\r\na,b\r\n"),
            ": the row has 2 fields, the header 1");
  EXPECT_EQ(one_error(f, "title\r\na" + std::string(100000, ',') + "\r\n"),
            ": the row has more fields than the header's 1");
  EXPECT_EQ(one_error(f, "title\r\n\"a\"b\r\n"),
            ": malformed row: text after the closing quote of a field");
  EXPECT_EQ(one_error(f, "title,completed\r\na,yes\r\n"),
            "completed: column `completed`: must be true or false");
  EXPECT_EQ(one_error(f, "title,order\r\na,first\r\n"),
            "order: column `order`: must be a number");
  EXPECT_EQ(one_error(f, "title,due\r\na,tomorrow\r\n"),
            "due: column `due`: must be an RFC 3339 date or date-time with "
            "time zone offset");
  EXPECT_EQ(one_error(f, "title,priority\r\na,critical\r\n"),
            "priority: column `priority`: must be one of none, low, medium, "
            "high, urgent");
  EXPECT_EQ(one_error(f, "title,tags\r\na,\"x,,y\"\r\n"),
            "tags/1: column `tags`: must be 1-50 characters");
  EXPECT_EQ(one_error(f, "title,reminders\r\na,[{\r\n"),
            "reminders: column `reminders`: not valid JSON (UTF-8)");
  EXPECT_EQ(
    one_error(f,
              "title,reminders\r\na,\"[{\"\"offset\"\":\"\"-PT5M\"\"}]\"\r\n"),
    "reminders/0/offset: column `reminders`: a reminder relative to "
    "due needs a due date");
  EXPECT_EQ(one_error(f, "title\r\n\"\"\r\n"),
            "title: column `title`: is required");
  EXPECT_EQ(one_error(f, "title\r\nbad \xC3\x28 byte\r\n"),
            "title: column `title`: not valid UTF-8");
  EXPECT_EQ(one_error(f, "title,tags\r\nok,\"a,\xED\xA0\x80\"\r\n"),
            "tags/1: column `tags`: not valid UTF-8");
}

// -- iCalendar -------------------------------------------------------------

TEST(import_codec, ics_index_finds_top_level_vtodos) {
  auto payload = std::string{"\xEF\xBB\xBF"}
                 + "BEGIN:VCALENDAR\nVERSION:2.0\n"
                   "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\n"
                   "TZOFFSETFROM:+0200\nEND:STANDARD\nEND:VTIMEZONE\n"
                   "BEGIN:VEVENT\nUID:event-1\nBEGIN:VALARM\nTRIGGER:-PT5M\n"
                   "END:VALARM\nEND:VEVENT\n"
                   "BEGIN:VTO\r\n DO\r\nSUMMARY:first\r\nU\r\n\tID:abc-\r\n "
                   "123\\,x\\;y\\\\z\\nw\r\nBEGIN:VALARM\r\nUID:alarm\r\n"
                   "TRIGGER;VALUE=DATE-TIME:20260101T000000Z\r\nEND:VALARM\r\n"
                   "UID:second-uid\r\n"
                   "END:VTODO\r\n"
                   "\r\n"
                   "begin:vtodo\nsummary:no uid\nend:vtodo\n"
                   "END:VCALENDAR\n"
                   "BEGIN:VCALENDAR\nBEGIN:VTODO\nuid;x-a=\"b:c\":u3\n"
                   "END:VTODO\nEND:VCALENDAR";
  auto index = index_ok(import_format::ics, payload);
  ASSERT_EQ(index.items.size(), 3u);
  EXPECT_EQ(index.items[0].uid, "abc-123,x;y\\z\nw");
  EXPECT_EQ(index.items[1].uid, "");
  EXPECT_EQ(index.items[2].uid, "u3");
  auto texts = items(import_format::ics, payload);
  EXPECT_EQ(texts[0].substr(0, 16), "BEGIN:VTO\r\n DO\r\n");
  EXPECT_EQ(texts[0].substr(texts[0].size() - 25),
            "UID:second-uid\r\nEND:VTODO");
  EXPECT_EQ(texts[1], "begin:vtodo\nsummary:no uid\nend:vtodo");
  EXPECT_EQ(texts[2], "BEGIN:VTODO\nuid;x-a=\"b:c\":u3\nEND:VTODO");
  EXPECT_TRUE(items(import_format::ics, vcalendar("")).empty());
  // The folded item decodes too.
  import_item item;
  ASSERT_FALSE(
    decode_item(import_format::ics, payload, index, index.items[0], item));
  EXPECT_EQ(item.body, json::parse(R"({"title": "first",
    "reminders": [{"at": "2026-01-01T00:00:00Z"}]})"));
  EXPECT_EQ(item.uid, "abc-123,x;y\\z\nw");
}

TEST(import_codec, ics_index_refuses_broken_files) {
  auto f = import_format::ics;
  auto not_ical = "body: not an iCalendar file: it must start with "
                  "BEGIN:VCALENDAR";
  for (auto x : {"", "\r\n", "hello", "BEGIN:VTODO\r\nEND:VTODO\r\n",
                 "[{\"title\":\"x\"}]"})
    EXPECT_EQ(index_error(f, x), not_ical) << x;
  EXPECT_EQ(index_error(f, "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:x\r\n"),
            "body: END:VTODO is missing");
  EXPECT_EQ(index_error(f, "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nEND:VTODO\r\n"),
            "body: END:VCALENDAR is missing");
  // A VTODO broken inside is an item that reports it (the others are read).
  auto torn = index_ok(f, "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:a\r\n"
                          "END:VEVENT\r\nEND:VCALENDAR\r\n");
  ASSERT_EQ(torn.items.size(), 1u);
  EXPECT_EQ(torn.items[0].broken,
            "line 4: END:VEVENT where END:VTODO is missing");
  EXPECT_EQ(torn.items[0].uid, "");
  EXPECT_EQ(index_error(f, vcalendar("") + "SUMMARY:stray\r\n"),
            "body: line 5: content outside VCALENDAR");
  std::string deep = "BEGIN:VCALENDAR\n";
  for (int i = 0; i < 40; ++i)
    deep += "BEGIN:X\n";
  EXPECT_EQ(index_error(f, deep),
            "body: line 33: components nested deeper than 32");
}

TEST(import_codec, ics_vtodo_maps_every_property) {
  auto body = one_body(import_format::ics, vtodo(R"(DTSTAMP:20260101T000000Z
SUMMARY:Pay rent\, now
DESCRIPTION:First line\nSecond\; line
DUE;TZID=America/New_York:20260308T093000
DTSTART;TZID=America/New_York:20260308T083000
PRIORITY:2
STATUS:COMPLETED
CATEGORIES:home,money
CATEGORIES:a\,b
RRULE:FREQ=MONTHLY;BYMONTHDAY=8;COUNT=3
EXDATE;TZID=America/New_York:20260408T093000
EXDATE:20260508T133000Z
EXDATE;VALUE=DATE:20260608
X-UNKNOWN;X-P=1:whatever
GEO:not a geo
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER;RELATED=END:-PT15M
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT30M
END:VALARM
BEGIN:VALARM
ACTION:AUDIO
TRIGGER;VALUE=DATE-TIME:20260308T120000Z
END:VALARM
)"));
  EXPECT_EQ(body, json::parse(R"({
    "title": "Pay rent, now",
    "notes": "First line\nSecond; line",
    "due": "2026-03-08T09:30:00-04:00",
    "time_zone": "America/New_York",
    "priority": "high",
    "completed": true,
    "tags": ["home", "money", "a,b"],
    "recurrence": {"rrule": "FREQ=MONTHLY;COUNT=3;BYMONTHDAY=8",
                   "exdates": ["2026-04-08T09:30:00", "2026-05-08T09:30:00",
                               "2026-06-08"]},
    "reminders": [{"offset": "-PT15M"}, {"offset": "-PT1H30M"},
                  {"at": "2026-03-08T12:00:00Z"}]})"))
    << body.dump(2);
}

TEST(import_codec, ics_times_and_priorities) {
  auto f = import_format::ics;
  // A date stays a date; a floating date-time is taken as UTC.
  EXPECT_EQ(one_body(f, vtodo("SUMMARY:a\r\nDUE;VALUE=DATE:20261224\r\n")),
            json({{"title", "a"}, {"due", "2026-12-24"}}));
  EXPECT_EQ(one_body(f, vtodo("SUMMARY:a\r\nDUE:20261224T170000\r\n")),
            json({{"title", "a"}, {"due", "2026-12-24T17:00:00Z"}}));
  // libical's own TZID prefix.
  EXPECT_EQ(
    one_body(f, vtodo("SUMMARY:a\r\nDUE;TZID=/freeassociation.sourceforge.net"
                      "/Europe/Berlin:20260701T080000\r\n")),
    json({{"title", "a"},
          {"due", "2026-07-01T08:00:00+02:00"},
          {"time_zone", "Europe/Berlin"}}));
  // START-related alarm without DUE: at DTSTART + duration.
  EXPECT_EQ(one_body(f,
                     vtodo("SUMMARY:a\r\nDTSTART:20260701T080000Z\r\n"
                           "BEGIN:VALARM\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\n")),
            json::parse(R"({"title":"a",
              "reminders":[{"at":"2026-07-01T07:00:00Z"}]})"));
  // Without DTSTART, relative to DUE.
  EXPECT_EQ(one_body(f,
                     vtodo("SUMMARY:a\r\nDUE:20260701T080000Z\r\n"
                           "BEGIN:VALARM\r\nTRIGGER:PT10M\r\nEND:VALARM\r\n")),
            json::parse(R"({"title":"a","due":"2026-07-01T08:00:00Z",
              "reminders":[{"offset":"PT10M"}]})"));
  std::vector<std::pair<int, std::string>> prios{{0, "none"},   {1, "urgent"},
                                                 {2, "high"},   {4, "high"},
                                                 {5, "medium"}, {6, "low"},
                                                 {9, "low"}};
  for (auto& [n, name] : prios)
    EXPECT_EQ(
      one_body(f, vtodo("SUMMARY:a\r\nPRIORITY:" + std::to_string(n) + "\r\n")),
      json({{"title", "a"}, {"priority", name}}))
      << n;
  EXPECT_EQ(one_body(f, vtodo("SUMMARY:a\r\nCOMPLETED:20260101T000000Z\r\n")),
            json({{"title", "a"}, {"completed", true}}));
  EXPECT_EQ(one_body(f, vtodo("SUMMARY:a\r\nSTATUS:NEEDS-ACTION\r\n")),
            json({{"title", "a"}}));
}

TEST(import_codec, ics_item_errors) {
  auto f = import_format::ics;
  EXPECT_EQ(one_error(f, vtodo("DESCRIPTION:x\r\n")),
            "title: SUMMARY is missing");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:\r\n")), "title: SUMMARY is missing");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\n"
                               "DUE;TZID=Mars/Olympus:20260101T090000\r\n")),
            "time_zone: DUE: TZID `Mars/Olympus` is not an IANA time zone "
            "name");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nDUE:tomorrow\r\n")),
            "due: Can't parse as DATE-TIME value in DUE property: tomorrow");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nPRIORITY:12\r\n")),
            "priority: PRIORITY: 12 is not 0 to 9");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nRRULE:FREQ=SOMETIMES\r\n")),
            "recurrence/rrule: Can't parse as RECUR value in RRULE property: "
            "FREQ=SOMETIMES");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nRRULE:FREQ=DAILY\r\n")),
            "recurrence: RRULE: a recurring todo needs a due date");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nDUE:20260101T000000Z\r\n"
                               "RRULE:FREQ=SECONDLY\r\n")),
            "recurrence/rrule: RRULE: FREQ: SECONDLY and MINUTELY are not "
            "supported");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nthis is no property\r\n")),
            ": Got a data line, but could not find a property name or "
            "component begin tag: this is no property");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nBEGIN:VALARM\r\nTRIGGER:soon\r\n"
                               "END:VALARM\r\n")),
            "reminders/0: VALARM: Can't parse as DURATION value in TRIGGER "
            "property: soon");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                               "END:VALARM\r\n")),
            "reminders/0: VALARM without TRIGGER");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nDUE:20260101T000000Z\r\n"
                               "BEGIN:VALARM\r\nTRIGGER;RELATED=END:-P400D\r\n"
                               "END:VALARM\r\n")),
            "reminders/0/offset: VALARM TRIGGER: must be an ISO 8601 duration "
            "such as -PT15M (weeks, days, hours, minutes, seconds; at most "
            "366 days)");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nBEGIN:VALARM\r\n"
                               "TRIGGER;RELATED=END:-PT5M\r\nEND:VALARM\r\n")),
            "reminders/0/offset: VALARM TRIGGER: a reminder relative to due "
            "needs a due date");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nCATEGORIES:x,X\r\n")),
            "tags/1: CATEGORIES: duplicate tag (tags are compared ignoring "
            "case)");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:bad \xC3\x28 byte\r\n")),
            "title: SUMMARY: not valid UTF-8");
  EXPECT_EQ(one_error(f, vtodo("SUMMARY:a\r\nDESCRIPTION:\xFF\r\n")),
            "notes: DESCRIPTION: not valid UTF-8");
  EXPECT_EQ(one_error(f, vtodo(std::string{"SUMMARY:a\0b\r\n", 13})),
            ": the VTODO contains a NUL byte");
  EXPECT_EQ(one_error(f, vcalendar("BEGIN:VTODO\r\nUID:\xFF\r\nSUMMARY:a\r\n"
                                   "END:VTODO\r\n")),
            ": UID is not valid UTF-8");
  // Errors in properties the import does not read do not matter.
  EXPECT_EQ(one_body(f, vtodo("SUMMARY:a\r\nCREATED:garbage\r\n")),
            json({{"title", "a"}}));
}

// -- Limits ----------------------------------------------------------------

TEST(import_codec, more_than_max_items_fails_the_index) {
  std::string json3 = R"([{"title":"a"},{"title":"b"},{"title":"c"}])";
  std::string csv3 = "title\r\na\r\nb\r\nc\r\n\r\n\r\n";
  std::string ics3 = vcalendar(
    "BEGIN:VTODO\r\nEND:VTODO\r\nBEGIN:VTODO\r\nEND:VTODO\r\n"
    "BEGIN:VTODO\r\nEND:VTODO\r\n");
  for (auto& [f, payload] : {std::pair{import_format::json, json3},
                             std::pair{import_format::csv, csv3},
                             std::pair{import_format::ics, ics3}}) {
    EXPECT_EQ(index_error(f, payload, 2),
              "items: more than 2 items in one import")
      << to_string(f);
    import_index index;
    EXPECT_FALSE(index_import(f, payload, 3, index)) << to_string(f);
    EXPECT_EQ(index.items.size(), 3u) << to_string(f);
  }
  // Trailing blank lines are no items; blank lines before a row are.
  EXPECT_EQ(index_error(import_format::csv, "title\r\na\r\n\r\nb\r\n", 3),
            "ok");
  EXPECT_EQ(index_error(import_format::csv, "title\r\na\r\n\r\n\r\nb\r\n", 3),
            "items: more than 3 items in one import");
}

TEST(import_codec, hostile_input_never_throws) {
  auto text = export_all("ics", all_todos()) + export_all("csv", all_todos())
              + export_all("json", all_todos());
  std::mt19937 gen{42};
  for (auto f : {import_format::ics, import_format::csv, import_format::json}) {
    auto source = f == import_format::ics   ? export_all("ics", all_todos())
                  : f == import_format::csv ? export_all("csv", all_todos())
                                            : export_all("json", all_todos());
    int index_errors = 0;
    int item_errors = 0;
    int decoded = 0;
    for (int round = 0; round < 300; ++round) {
      auto mutated = source;
      for (int k = 0; k < 1 + round % 8; ++k) {
        auto at = gen() % mutated.size();
        switch (gen() % 4) {
          case 0: mutated[at] = static_cast<char>(gen() % 256); break;
          case 1: mutated.erase(at, gen() % 40); break;
          case 2:
            mutated.insert(at, text.substr(gen() % text.size(), 30));
            break;
          default: mutated.insert(at, 1, "\"[]{},\r\n:;\\ "[gen() % 13]);
        }
        if (mutated.empty())
          mutated = "x";
      }
      import_index index;
      if (auto err = index_import(f, mutated, 1000, index)) {
        ++index_errors;
        // Not the safety net that catches exceptions.
        EXPECT_EQ(err->detail.find("cannot be read"), std::string::npos)
          << err->detail;
        ASSERT_NO_THROW(json(err->detail).dump());
      }
      for (auto& span : index.items) {
        import_item item;
        if (auto err = decode_item(f, mutated, index, span, item)) {
          ++item_errors;
          EXPECT_EQ(err->detail.find("cannot be read"), std::string::npos)
            << err->detail;
          ASSERT_NO_THROW(json(err->detail).dump());
          ASSERT_NO_THROW(json(err->field).dump());
        } else {
          ++decoded;
          // Whatever passes can be stored and rendered.
          ASSERT_NO_THROW(item.body.dump());
        }
      }
    }
    // The mutations reach all three outcomes.
    EXPECT_GT(index_errors, 0) << to_string(f);
    EXPECT_GT(item_errors, 0) << to_string(f);
    EXPECT_GT(decoded, 0) << to_string(f);
  }
}

// -- Round trips -----------------------------------------------------------

TEST(import_codec, json_export_round_trips) {
  expect_round_trip("json", import_format::json, all_todos());
  auto text = export_all("json", all_todos());
  auto x = decode_all(import_format::json, text);
  ASSERT_EQ(x.error, "ok");
  EXPECT_EQ(x.items[0].body, json::parse(R"({
    "title": "Weekly review, \"the\" one",
    "notes": "line one\nline two; with, punctuation\\",
    "completed": false, "archived": false, "priority": "high", "tags": ["work", "a,b", "Übung"],
    "due": "2026-03-29T09:00:00+02:00", "order": 2.5,
    "time_zone": "Europe/Berlin",
    "reminders": [{"offset": "-PT15M", "misfire": "skip"},
                  {"offset": "-P1D", "misfire": "fire_once"},
                  {"at": "2026-03-28T18:00:00Z", "misfire": "fire_once"}],
    "recurrence": {"rrule": "FREQ=WEEKLY;BYDAY=WE,SU",
                   "exdates": ["2026-04-05T09:00:00", "2026-04-12T09:00:00"],
                   "mode": "from_completion"}})"))
    << x.items[0].body.dump(2);
}

TEST(import_codec, csv_export_round_trips) {
  expect_round_trip("csv", import_format::csv, all_todos());
  // A todo with every member set reads as the same body from CSV and JSON.
  auto todos = all_todos();
  auto csv = decode_all(import_format::csv, export_all("csv", todos));
  auto js = decode_all(import_format::json, export_all("json", todos));
  ASSERT_EQ(csv.error, "ok");
  ASSERT_EQ(js.error, "ok");
  EXPECT_EQ(csv.items[0].body, js.items[0].body);
}

TEST(import_codec, ics_export_round_trips) {
  auto todos = portable_todos();
  expect_round_trip("ics", import_format::ics, todos);
  auto text = export_all("ics", todos);
  auto x = decode_all(import_format::ics, text);
  ASSERT_EQ(x.error, "ok");
  std::vector<todo> again;
  for (size_t i = 0; i < todos.size(); ++i) {
    EXPECT_EQ(x.items[i].uid, todos[i].id);
    again.push_back(created_from(x.items[i].body, todos[i]));
  }
  EXPECT_EQ(without_dtstamp(export_all("ics", again)), without_dtstamp(text));
}

TEST(import_codec, ics_loses_only_what_it_cannot_carry) {
  // Order, misfire policies, the recurrence mode and the zone of a date-only
  // due have no place in the export's VTODO.
  auto todos = all_todos();
  auto x = decode_all(import_format::ics, export_all("ics", todos));
  ASSERT_EQ(x.error, "ok");
  ASSERT_EQ(x.items.size(), todos.size());
  auto t = created_from(x.items[0].body, todos[0]);
  EXPECT_EQ(t.order, 0);
  EXPECT_EQ(t.reminders[0].misfire, misfire_policy::fire_once);
  EXPECT_FALSE(t.recur->from_completion);
  EXPECT_EQ(t.title, todos[0].title);
  EXPECT_EQ(t.due, todos[0].due);
  auto d = created_from(x.items[1].body, todos[1]);
  EXPECT_EQ(d.due, "2026-12-24");
  EXPECT_EQ(d.time_zone, "");
  EXPECT_EQ(d.reminders[0].offset_ms, 9 * 3600000);
}

// -- Re-imports ------------------------------------------------------------

TEST(import_codec, replacing_body_resets_what_the_import_did_not_give) {
  EXPECT_EQ(replacing_body(json({{"title", "a"}})), json::parse(R"({
    "title": "a", "notes": null, "due": null, "time_zone": null,
    "recurrence": null, "tags": [], "reminders": [], "completed": false,
    "priority": "none"})"));
  auto full = json::parse(R"({"title": "b", "notes": "n", "due": "2026-01-01",
    "time_zone": "UTC", "recurrence": {"rrule": "FREQ=DAILY"}, "tags": ["x"],
    "reminders": [{"offset": "PT0S"}], "completed": true, "priority": "low",
    "order": 3})");
  EXPECT_EQ(replacing_body(full), full);
  // The result is a valid update.
  todo_patch patch;
  std::string canonical_text;
  EXPECT_FALSE(decode_todo_body(replacing_body(json({{"title", "a"}})), false,
                                patch, canonical_text));
  ASSERT_TRUE(patch.tags && patch.reminders && patch.recurrence && patch.due);
  EXPECT_TRUE(patch.tags->empty());
  EXPECT_FALSE(*patch.recurrence);
  EXPECT_EQ(*patch.due, "");
}
