// iCalendar (RFC 5545) import: VTODOs into create bodies, the inverse of
// ics_export.cpp. The index is a line scan; each VTODO is parsed by libical
// alone when its turn comes. Only reentrant libical calls are used (no ring
// buffers), as in actors/calendar.
#include <algorithm>
#include <libical/ical.h>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "actors/calendar/calendar.hpp"
#include "io/codec/import_codec.hpp"
#include "io/codec/import_parts.hpp"

namespace actodo::io::codec::ics {

namespace {

namespace cal = actors::calendar;
using nlohmann::json;

/// Deepest nesting of components the index follows (VCALENDAR > VTODO >
/// VALARM is 3).
constexpr size_t max_nesting = 32;

using import_detail::fail;

// -- Index -----------------------------------------------------------------

/// One content line: `[begin, end)` spans its physical lines (folds
/// included, the final line break not); `next` is where the next begins.
struct content_line {
  size_t begin = 0;
  size_t end = 0;
  size_t next = 0;
};

/// The content line at `pos`: a line break (CRLF or LF) followed by a space
/// or tab continues it (RFC 5545 3.1).
content_line line_at(std::string_view text, size_t pos) {
  auto n = text.size();
  content_line result;
  result.begin = pos;
  for (;;) {
    auto lf = text.find('\n', pos);
    if (lf == std::string_view::npos) {
      result.end = n;
      if (result.end > result.begin && text[result.end - 1] == '\r')
        --result.end;
      result.next = n;
      return result;
    }
    pos = lf + 1;
    if (pos < n && (text[pos] == ' ' || text[pos] == '\t'))
      continue;
    result.end = lf > result.begin && text[lf - 1] == '\r' ? lf - 1 : lf;
    result.next = pos;
    return result;
  }
}

/// The first `limit` bytes of `line`, unfolded.
std::string unfold(std::string_view text, const content_line& line,
                   size_t limit) {
  std::string out;
  auto from = line.begin;
  while (out.size() < limit) {
    auto lf = text.find('\n', from);
    if (lf == std::string_view::npos || lf >= line.end) {
      out.append(text.substr(from, line.end - from));
      break;
    }
    auto to = lf > from && text[lf - 1] == '\r' ? lf - 1 : lf;
    out.append(text.substr(from, to - from));
    from = lf + 2; // Past the line break and the folding white space.
  }
  if (out.size() > limit)
    out.resize(limit);
  return out;
}

std::string upper(std::string_view x) {
  std::string out{x};
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// The component name of a `BEGIN:` or `END:` line (`head` upper case).
std::string component_name(std::string_view head, size_t prefix) {
  auto name = head.substr(prefix);
  auto last = name.find_last_not_of(" \t");
  return std::string{
    name.substr(0, last == std::string_view::npos ? 0 : last + 1)};
}

/// The value of a content line: after the first colon outside a quoted
/// parameter value.
std::string_view value_of(std::string_view line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"')
      quoted = !quoted;
    else if (line[i] == ':' && !quoted)
      return line.substr(i + 1);
  }
  return {};
}

/// A TEXT value unescaped (RFC 5545 3.3.11).
std::string unescape(std::string_view x) {
  std::string out;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != '\\' || i + 1 == x.size()) {
      out += x[i];
      continue;
    }
    auto c = x[++i];
    out += c == 'n' || c == 'N' ? '\n' : c;
  }
  return out;
}

size_t line_of(std::string_view text, size_t pos) {
  return 1 + std::count(text.begin(), text.begin() + pos, '\n');
}

// -- Items -----------------------------------------------------------------

/// Owns one libical component.
struct component {
  icalcomponent* ptr;
  explicit component(icalcomponent* x) : ptr(x) {}
  ~component() {
    if (ptr != nullptr)
      icalcomponent_free(ptr);
  }
  component(const component&) = delete;
  component& operator=(const component&) = delete;
};

std::vector<icalproperty*> all(icalcomponent* c, icalproperty_kind kind) {
  std::vector<icalproperty*> out;
  for (auto* p = icalcomponent_get_first_property(c, kind); p != nullptr;
       p = icalcomponent_get_next_property(c, kind))
    out.push_back(p);
  return out;
}

/// The property a libical parse error (`X-LIC-ERROR`) is about, e.g. `DUE`
/// in "Can't parse as DATE-TIME value in DUE property. ..." or "Invalid
/// VALUE type for property DUE: ...", or empty.
std::string error_property(std::string_view msg) {
  auto is_name = [](std::string_view w) {
    return w.size() >= 2 && std::all_of(w.begin(), w.end(), [](char c) {
             return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-';
           });
  };
  static constexpr std::string_view word = " property";
  for (auto at = msg.find(word); at != std::string_view::npos;
       at = msg.find(word, at + 1)) {
    auto before = msg.substr(0, at);
    auto space = before.rfind(' ');
    auto name = space == std::string_view::npos ? before
                                                : before.substr(space + 1);
    if (is_name(name))
      return std::string{name};
    auto after = msg.substr(at + word.size());
    if (!after.empty() && after.front() == ' ') {
      after.remove_prefix(1);
      name = after.substr(0, after.find_first_of(": "));
      if (is_name(name))
        return std::string{name};
    }
  }
  return {};
}

/// The API field a parse error of property `prop` concerns; nullopt for
/// properties the import does not read (their errors are ignored).
std::optional<std::string> error_field(std::string_view prop) {
  static constexpr std::pair<std::string_view, std::string_view> fields[] = {
    {"", ""},
    {"UID", ""},
    {"DTSTART", ""},
    {"SUMMARY", "title"},
    {"DESCRIPTION", "notes"},
    {"DUE", "due"},
    {"PRIORITY", "priority"},
    {"STATUS", "completed"},
    {"COMPLETED", "completed"},
    {"CATEGORIES", "tags"},
    {"RRULE", "recurrence/rrule"},
    {"EXDATE", "recurrence/exdates"},
  };
  for (auto& [name, field] : fields)
    if (prop == name)
      return std::string{field};
  return std::nullopt;
}

/// The first error libical recorded while parsing `c` that concerns what
/// the import reads; `alarm` is the index of a VALARM or -1 for the VTODO.
std::optional<field_error> parse_error(icalcomponent* c, int alarm) {
  for (auto* p : all(c, ICAL_XLICERROR_PROPERTY)) {
    auto* raw = icalproperty_get_xlicerror(p);
    std::string msg = raw == nullptr ? "" : raw;
    // libical's "... Removing entire property: <value>" -> "...: <value>".
    static constexpr std::string_view removing = ". Removing entire property";
    if (auto at = msg.find(removing); at != std::string::npos)
      msg.erase(at, removing.size());
    auto prop = error_property(msg);
    if (alarm >= 0) {
      if (prop.empty() || prop == "TRIGGER")
        return fail("reminders/" + std::to_string(alarm), "VALARM: " + msg);
    } else if (auto field = error_field(prop)) {
      return fail(*field, msg);
    }
  }
  return std::nullopt;
}

/// A DATE or DATE-TIME value with its TZID.
struct ical_time {
  cal::local_time wall;
  /// The TZID parameter as given (empty when none).
  std::string tzid;
  bool utc = false;
};

std::optional<field_error> read_time(icalproperty* p, icaltimetype t,
                                     std::string_view prop,
                                     const std::string& field, ical_time& out) {
  out.wall = cal::local_time{t.year,   t.month,  t.day,         t.hour,
                             t.minute, t.second, t.is_date != 0};
  if (out.wall.date_only)
    out.wall.hour = out.wall.minute = out.wall.second = 0;
  if (!cal::parse_local(cal::to_string(out.wall)))
    return fail(field, std::string{prop} + ": not a valid date or date-time");
  out.utc = icaltime_is_utc(t) != 0;
  if (auto* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
      tz != nullptr && !out.utc && !out.wall.date_only)
    if (auto* name = icalparameter_get_tzid(tz))
      out.tzid = name;
  return std::nullopt;
}

/// The IANA name a TZID stands for: itself, or the end of a libical-style
/// `/freeassociation.sourceforge.net/Europe/Berlin`.
std::optional<std::string> iana_zone(const std::string& tzid) {
  if (cal::valid_zone(tzid))
    return tzid;
  if (!tzid.empty() && tzid.front() == '/')
    for (auto at = tzid.find('/', 1); at != std::string::npos;
         at = tzid.find('/', at + 1))
      if (auto rest = tzid.substr(at + 1); cal::valid_zone(rest))
        return rest;
  return std::nullopt;
}

field_error unknown_zone(std::string field, std::string_view prop,
                         const std::string& tzid) {
  return fail(std::move(field), std::string{prop} + ": TZID `" + tzid
                                  + "` is not an IANA time zone name");
}

/// The instant of `t`: a date-time in its TZID, in UTC without one (a
/// floating time is taken as UTC: the file does not say where it is); a
/// date at 00:00 in `zone` (the todo's, empty for UTC). Nullopt for an
/// unknown TZID.
std::optional<int64_t> instant(const ical_time& t, const std::string& zone) {
  if (t.wall.date_only)
    return cal::to_instant(t.wall, zone.empty() ? "UTC" : zone);
  if (t.tzid.empty())
    return cal::to_instant(t.wall, "UTC");
  if (auto z = iana_zone(t.tzid))
    return cal::to_instant(t.wall, *z);
  return std::nullopt;
}

std::string utc_text(int64_t ms) {
  return cal::to_string(cal::to_local(ms, "UTC")) + "Z";
}

std::string_view priority_name(int x) {
  if (x == 0)
    return "none";
  if (x == 1)
    return "urgent";
  if (x <= 4)
    return "high";
  return x == 5 ? "medium" : "low";
}

/// A TRIGGER's duration in milliseconds, without libical's `int` seconds.
int64_t duration_ms(const icaldurationtype& d) {
  int64_t s = ((int64_t{d.weeks} * 7 + d.days) * 24 + d.hours) * 3600
              + int64_t{d.minutes} * 60 + d.seconds;
  return (d.is_neg != 0 ? -s : s) * 1000;
}

/// Reads DUE into `body` (`due`, `time_zone`) and `due`; `zone` is the
/// todo's zone afterwards (empty: UTC).
std::optional<field_error> read_due(icalcomponent* c, json& body,
                                    std::optional<ical_time>& due,
                                    std::string& zone) {
  auto* p = icalcomponent_get_first_property(c, ICAL_DUE_PROPERTY);
  if (p == nullptr)
    return std::nullopt;
  ical_time t;
  if (auto err = read_time(p, icalproperty_get_due(p), "DUE", "due", t))
    return err;
  if (t.wall.date_only) {
    body["due"] = cal::to_string(t.wall);
  } else if (!t.tzid.empty()) {
    auto z = iana_zone(t.tzid);
    if (!z)
      return unknown_zone("time_zone", "DUE", t.tzid);
    body["due"] = cal::format_in_zone(cal::to_instant(t.wall, *z), *z);
    body["time_zone"] = *z;
    zone = *z;
  } else {
    // UTC, or floating (no zone at all), which is taken as UTC.
    body["due"] = cal::to_string(t.wall) + "Z";
  }
  due = t;
  return std::nullopt;
}

/// RRULE and EXDATEs into `body["recurrence"]`. Exdates are local times of
/// the todo's zone, as the API keeps them: a date or a time without zone
/// (or in the todo's own zone) stays as it is, others are converted.
std::optional<field_error>
read_recurrence(icalcomponent* c, const std::string& zone, json& body) {
  auto rules = all(c, ICAL_RRULE_PROPERTY);
  if (rules.empty())
    return std::nullopt;
  if (rules.size() > 1)
    return fail("recurrence", "RRULE: more than one RRULE");
  auto rule = icalproperty_get_rrule(rules.front());
  if (!icaltime_is_null_time(rule.until) && !rule.until.is_date
      && icaltime_is_utc(rule.until) && !zone.empty()) {
    // The series reads UNTIL as a wall-clock time of the todo's zone; a
    // UTC UNTIL (as RFC 5545 wants with a TZID) is converted to it.
    auto local = cal::to_local(
      static_cast<int64_t>(icaltime_as_timet(rule.until)) * 1000, zone);
    rule.until = icaltime_null_time();
    rule.until.year = local.year;
    rule.until.month = local.month;
    rule.until.day = local.day;
    rule.until.hour = local.hour;
    rule.until.minute = local.minute;
    rule.until.second = local.second;
  }
  std::unique_ptr<char, void (*)(void*)> text{
    icalrecurrencetype_as_string_r(&rule), icalmemory_free_buffer};
  auto exdates = json::array();
  for (auto* p : all(c, ICAL_EXDATE_PROPERTY)) {
    auto field = "recurrence/exdates/" + std::to_string(exdates.size());
    ical_time t;
    if (auto err = read_time(p, icalproperty_get_exdate(p), "EXDATE", field, t))
      return err;
    auto own = t.wall.date_only || (!t.utc && t.tzid.empty())
               || (!t.tzid.empty()
                   && iana_zone(t.tzid) == (zone.empty() ? "UTC" : zone));
    if (own) {
      exdates.push_back(cal::to_string(t.wall));
      continue;
    }
    auto ms = instant(t, zone);
    if (!ms)
      return unknown_zone(field, "EXDATE", t.tzid);
    exdates.push_back(
      cal::to_string(cal::to_local(*ms, zone.empty() ? "UTC" : zone)));
  }
  body["recurrence"] = json{{"rrule", text ? text.get() : ""},
                            {"exdates", std::move(exdates)}};
  return std::nullopt;
}

/// One VALARM's TRIGGER: absolute -> `at` (UTC); a duration related to END
/// -> `offset`; related to START (the default) -> shifted by DTSTART - DUE,
/// or `at` = DTSTART + duration without DUE, or taken as relative to DUE
/// without DTSTART.
std::optional<field_error>
read_alarm(icalcomponent* todo, icalcomponent* alarm, const std::string& field,
           const std::optional<ical_time>& due, const std::string& zone,
           json& reminders) {
  auto* p = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
  if (p == nullptr)
    return fail(field, "VALARM without TRIGGER");
  auto trig = icalproperty_get_trigger(p);
  if (icaltime_is_null_time(trig.time) == 0) {
    ical_time t;
    if (auto err = read_time(p, trig.time, "VALARM TRIGGER", field + "/at", t))
      return err;
    auto ms = instant(t, zone);
    if (!ms)
      return unknown_zone(field + "/at", "VALARM TRIGGER", t.tzid);
    reminders.push_back(json{{"at", utc_text(*ms)}});
    return std::nullopt;
  }
  auto offset = duration_ms(trig.duration);
  auto* related = icalproperty_get_first_parameter(p, ICAL_RELATED_PARAMETER);
  auto* dtstart = icalcomponent_get_first_property(todo, ICAL_DTSTART_PROPERTY);
  if ((related == nullptr
       || icalparameter_get_related(related) != ICAL_RELATED_END)
      && dtstart != nullptr) {
    ical_time t;
    if (auto err = read_time(dtstart, icalproperty_get_dtstart(dtstart),
                             "DTSTART", field, t))
      return err;
    auto start = instant(t, zone);
    if (!start)
      return unknown_zone(field, "DTSTART", t.tzid);
    if (!due) {
      reminders.push_back(json{{"at", utc_text(*start + offset)}});
      return std::nullopt;
    }
    offset += *start - instant(*due, zone).value_or(*start);
  }
  reminders.push_back(json{{"offset", cal::format_duration(offset)}});
  return std::nullopt;
}

} // namespace

std::optional<field_error> index(std::string_view payload, size_t max_items,
                                 import_index& out) {
  auto n = payload.size();
  size_t pos = payload.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  auto not_ical = fail("body", "not an iCalendar file: it must start with "
                               "BEGIN:VCALENDAR");
  std::vector<std::string> open; // Names of the open components.
  bool calendar_seen = false;
  size_t todo_begin = 0;
  bool uid_seen = false;
  std::string uid;
  std::string parent_uid;
  std::string broken;
  // A VTODO whose structure is broken ends as an item of its own that
  // reports why; the file's other VTODOs are read as usual.
  auto add_item = [&](size_t end) -> std::optional<field_error> {
    if (out.items.size() >= max_items)
      return fail("items", "more than " + std::to_string(max_items)
                             + " items in one import");
    if (!broken.empty())
      uid.clear(); // Never applied: its UID names nothing.
    out.items.push_back(import_span{todo_begin, end - todo_begin,
                                    std::move(uid), std::move(parent_uid),
                                    std::move(broken)});
    uid.clear();
    parent_uid.clear();
    broken.clear();
    open.resize(1);
    return std::nullopt;
  };
  for (; pos < n;) {
    auto line = line_at(payload, pos);
    auto at_line = [&] {
      return "line " + std::to_string(line_of(payload, line.begin)) + ": ";
    };
    auto in_todo = open.size() >= 2 && open[1] == "VTODO";
    auto head = upper(unfold(payload, line, 80));
    if (head.find_first_not_of(" \t\r") == std::string::npos) {
      pos = line.next;
      continue;
    }
    if (head.rfind("BEGIN:", 0) == 0) {
      auto name = component_name(head, 6);
      if (in_todo && name == "VTODO") {
        // The open VTODO never ended.
        broken = at_line() + "BEGIN:VTODO before END:" + open.back();
        if (auto err = add_item(line.begin))
          return err;
      }
      if (open.empty()) {
        if (name != "VCALENDAR")
          return calendar_seen ? fail("body", at_line() + "BEGIN:" + name
                                                + " outside VCALENDAR")
                               : not_ical;
        calendar_seen = true;
      } else if (open.size() == 1 && name == "VTODO") {
        todo_begin = line.begin;
        uid_seen = false;
        uid.clear();
        parent_uid.clear();
      }
      if (open.size() >= max_nesting)
        return fail("body", at_line() + "components nested deeper than "
                              + std::to_string(max_nesting));
      open.push_back(std::move(name));
    } else if (head.rfind("END:", 0) == 0) {
      auto name = component_name(head, 4);
      if (open.empty())
        return calendar_seen ? fail("body", at_line() + "END:" + name
                                              + " without BEGIN:" + name)
                             : not_ical;
      if (open.back() != name && in_todo) {
        auto why = at_line() + "END:" + name + " where END:" + open.back()
                   + " is missing";
        if (broken.empty())
          broken = why;
        if (name == "VCALENDAR") {
          if (auto err = add_item(line.begin)) // Before the calendar's end.
            return err;
        } else if (name == "VTODO") {
          open.resize(2); // Closes what it holds.
        } else {
          pos = line.next; // A stray END inside the VTODO.
          continue;
        }
      }
      if (open.back() != name)
        return fail("body", at_line() + "END:" + name
                              + " where END:" + open.back() + " is missing");
      if (open.size() == 2 && name == "VTODO") {
        if (auto err = add_item(line.end))
          return err;
        pos = line.next;
        continue;
      }
      open.pop_back();
    } else if (open.empty()) {
      return calendar_seen
               ? fail("body", at_line() + "content outside VCALENDAR")
               : not_ical;
    } else if (open.size() == 2 && open[1] == "VTODO" && !uid_seen
               && head.substr(0, head.find_first_of(";:")) == "UID") {
      uid = unescape(value_of(unfold(payload, line, std::string::npos)));
      uid_seen = true;
    } else if (open.size() == 2 && open[1] == "VTODO" && parent_uid.empty()
               && head.substr(0, head.find_first_of(";:")) == "RELATED-TO") {
      // RFC 5545 3.8.4.5: RELTYPE defaults to PARENT.
      auto whole = unfold(payload, line, std::string::npos);
      auto value = value_of(whole);
      auto params = upper(std::string{
        std::string_view{whole}.substr(0, whole.size() - value.size())});
      if (params.find(";RELTYPE=") == std::string::npos
          || params.find(";RELTYPE=PARENT") != std::string::npos)
        parent_uid = unescape(value);
    }
    pos = line.next;
  }
  if (!calendar_seen)
    return not_ical;
  if (!open.empty())
    return fail("body", "END:" + open.back() + " is missing");
  return std::nullopt;
}

std::optional<field_error> read(std::string_view vtodo, json& body) {
  if (vtodo.find('\0') != std::string_view::npos)
    return fail("", "the VTODO contains a NUL byte");
  std::string text{vtodo};
  component c{icalcomponent_new_from_string(text.c_str())};
  icalerror_clear_errno();
  if (c.ptr == nullptr || icalcomponent_isa(c.ptr) != ICAL_VTODO_COMPONENT)
    return fail("", "libical cannot read the VTODO");
  // Before libical's errors: an empty SUMMARY is one of them.
  auto* summary = icalcomponent_get_first_property(c.ptr,
                                                   ICAL_SUMMARY_PROPERTY);
  auto* title = summary != nullptr ? icalproperty_get_summary(summary)
                                   : nullptr;
  if (title == nullptr || *title == '\0')
    return fail("title", "SUMMARY is missing");
  if (auto err = parse_error(c.ptr, -1))
    return err;
  std::vector<icalcomponent*> alarms;
  for (auto* a = icalcomponent_get_first_component(c.ptr,
                                                   ICAL_VALARM_COMPONENT);
       a != nullptr;
       a = icalcomponent_get_next_component(c.ptr, ICAL_VALARM_COMPONENT)) {
    if (auto err = parse_error(a, static_cast<int>(alarms.size())))
      return err;
    alarms.push_back(a);
  }
  body = json::object();
  body["title"] = title;
  if (auto* p = icalcomponent_get_first_property(c.ptr,
                                                 ICAL_DESCRIPTION_PROPERTY))
    if (auto* notes = icalproperty_get_description(p))
      body["notes"] = notes;
  std::optional<ical_time> due;
  std::string zone;
  if (auto err = read_due(c.ptr, body, due, zone))
    return err;
  if (auto* p = icalcomponent_get_first_property(c.ptr,
                                                 ICAL_PRIORITY_PROPERTY)) {
    auto x = icalproperty_get_priority(p);
    if (x < 0 || x > 9)
      return fail("priority",
                  "PRIORITY: " + std::to_string(x) + " is not 0 to 9");
    body["priority"] = priority_name(x);
  }
  auto* status = icalcomponent_get_first_property(c.ptr, ICAL_STATUS_PROPERTY);
  if ((status != nullptr
       && icalproperty_get_status(status) == ICAL_STATUS_COMPLETED)
      || icalcomponent_get_first_property(c.ptr, ICAL_COMPLETED_PROPERTY)
           != nullptr)
    body["completed"] = true;
  auto tags = json::array();
  for (auto* p : all(c.ptr, ICAL_CATEGORIES_PROPERTY))
    if (auto* tag = icalproperty_get_categories(p))
      tags.push_back(tag); // libical splits `a,b` and keeps `a\,b` whole.
  if (!tags.empty())
    body["tags"] = std::move(tags);
  if (auto err = read_recurrence(c.ptr, zone, body))
    return err;
  auto reminders = json::array();
  for (size_t i = 0; i < alarms.size(); ++i)
    if (auto err = read_alarm(c.ptr, alarms[i],
                              "reminders/" + std::to_string(i), due, zone,
                              reminders))
      return err;
  if (!reminders.empty())
    body["reminders"] = std::move(reminders);
  return std::nullopt;
}

void links(const import_index& index, std::vector<import_link>& out) {
  out.clear();
  std::unordered_set<std::string_view> uids;
  for (auto& span : index.items)
    if (!span.uid.empty())
      uids.insert(span.uid);
  bool any = false;
  // (A VTODO related to itself stays a root todo.)
  for (auto& span : index.items)
    any = any
          || (span.parent_uid != span.uid && uids.count(span.parent_uid) > 0);
  if (!any)
    return;
  out.resize(index.items.size());
  for (size_t i = 0; i < index.items.size(); ++i) {
    auto& span = index.items[i];
    out[i].id = span.uid;
    if (span.parent_uid != span.uid && uids.count(span.parent_uid) > 0)
      out[i].parent = span.parent_uid;
  }
}

} // namespace actodo::io::codec::ics
