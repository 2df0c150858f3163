// iCalendar (RFC 5545) export of todos as VTODO components, with libical.
#include <algorithm>
#include <cstdlib>
#include <libical/ical.h>
#include <set>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/time.hpp"
#include "io/codec/export_codec.hpp"

namespace actodo::io::codec {

namespace {

namespace cal = actors::calendar;
using actors::domain::priority;
using actors::domain::todo;

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

  std::string text() const {
    auto* raw = icalcomponent_as_ical_string_r(ptr);
    std::string out{raw == nullptr ? "" : raw};
    free(raw);
    return out;
  }
};

icaltimetype utc_time(int64_t epoch_ms) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(epoch_ms / 1000), 0,
                                       icaltimezone_get_utc_timezone());
}

/// A floating (zone-less) wall-clock time; the property gets the TZID.
icaltimetype wall_time(const cal::local_time& x) {
  auto t = icaltime_null_time();
  t.year = x.year;
  t.month = x.month;
  t.day = x.day;
  t.is_date = x.date_only ? 1 : 0;
  if (!x.date_only) {
    t.hour = x.hour;
    t.minute = x.minute;
    t.second = x.second;
  }
  return t;
}

/// The zone a todo's times are written in: its own when libical has a
/// VTIMEZONE for it, else empty (UTC).
std::string ical_zone(std::string_view name) {
  std::string zone{name};
  if (zone.empty() || zone == "UTC" || !cal::valid_zone(zone)
      || icaltimezone_get_builtin_timezone(zone.c_str()) == nullptr)
    return {};
  return zone;
}

/// Adds `prop` for the RFC 3339 `value` of a todo with zone `zone`: a
/// date stays a date, a date-time is the wall-clock time in `zone` with
/// its TZID (UTC without one).
void add_time(icalcomponent* c, icalproperty* (*make)(struct icaltimetype),
              const std::string& value, const std::string& zone) {
  if (value.size() == 10) {
    if (auto d = cal::parse_local(value))
      icalcomponent_add_property(c, make(wall_time(*d)));
    return;
  }
  auto ms = actors::domain::parse_rfc3339(value, false);
  if (!ms)
    return;
  if (zone.empty()) {
    icalcomponent_add_property(c, make(utc_time(*ms)));
    return;
  }
  auto* p = make(wall_time(cal::to_local(*ms, zone)));
  icalproperty_add_parameter(p, icalparameter_new_tzid(zone.c_str()));
  icalcomponent_add_property(c, p);
}

/// An EXDATE of a local date or date-time (`YYYY-MM-DD[THH:MM:SS]`).
void add_exdate(icalcomponent* c, const std::string& value,
                const std::string& zone) {
  auto x = cal::parse_local(value);
  if (!x)
    return;
  if (x->date_only || zone.empty()) {
    auto t = wall_time(*x);
    if (!x->date_only)
      t = utc_time(cal::to_instant(*x, "UTC"));
    icalcomponent_add_property(c, icalproperty_new_exdate(t));
    return;
  }
  auto* p = icalproperty_new_exdate(wall_time(*x));
  icalproperty_add_parameter(p, icalparameter_new_tzid(zone.c_str()));
  icalcomponent_add_property(c, p);
}

/// A TEXT value escaped as RFC 5545 3.3.11 says.
std::string escape_text(const std::string& x) {
  std::string out;
  for (auto c : x) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

/// A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8
/// sequence, with its CRLF.
std::string folded(const std::string& line) {
  std::string out;
  size_t width = 0;
  size_t i = 0;
  while (i < line.size()) {
    // One whole UTF-8 sequence at a time.
    auto c = static_cast<unsigned char>(line[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    n = std::min(n, line.size() - i);
    if (width + n > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(line, i, n);
    width += n;
    i += n;
  }
  return out + "\r\n";
}

int ical_priority(priority x) {
  switch (x) {
    case priority::urgent: return 1;
    case priority::high: return 3;
    case priority::medium: return 5;
    case priority::low: return 9;
    default: return 0;
  }
}

void add_alarm(icalcomponent* vtodo, const actors::domain::reminder& r,
               const std::string& title) {
  auto* alarm = icalcomponent_new_valarm();
  icalcomponent_add_property(alarm,
                             icalproperty_new_action(ICAL_ACTION_DISPLAY));
  icalcomponent_add_property(
    alarm,
    icalproperty_new_description(title.empty() ? "Reminder" : title.c_str()));
  struct icaltriggertype trig;
  trig.time = icaltime_null_time();
  trig.duration = icaldurationtype_null_duration();
  icalproperty* p = nullptr;
  if (!r.at.empty()) {
    auto ms = actors::domain::parse_rfc3339(r.at, false);
    if (!ms) {
      icalcomponent_free(alarm);
      return;
    }
    trig.time = utc_time(*ms);
    p = icalproperty_new_trigger(trig);
    icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATETIME));
  } else {
    trig.duration = icaldurationtype_from_int(
      static_cast<int>(r.offset_ms / 1000));
    p = icalproperty_new_trigger(trig);
    icalproperty_add_parameter(p, icalparameter_new_related(ICAL_RELATED_END));
  }
  icalcomponent_add_property(alarm, p);
  icalcomponent_add_component(vtodo, alarm);
}

/// UNTIL in the value type RFC 5545 3.3.10 requires: a date when DTSTART
/// is one, else UTC. The series reads UNTIL as a wall-clock time in the
/// todo's zone (a date: its last second), so that is what is converted.
icaltimetype normalized_until(icaltimetype until, const todo& t) {
  until.zone = nullptr;
  if (t.due.size() == 10) {
    until.hour = until.minute = until.second = 0;
    until.is_date = 1;
    return until;
  }
  if (until.is_date) {
    until.hour = 23;
    until.minute = until.second = 59;
    until.is_date = 0;
  }
  cal::local_time local;
  local.year = until.year;
  local.month = until.month;
  local.day = until.day;
  local.hour = until.hour;
  local.minute = until.minute;
  local.second = until.second;
  auto zone = t.time_zone.empty() || !cal::valid_zone(t.time_zone)
                ? std::string{"UTC"}
                : t.time_zone.str();
  return utc_time(cal::to_instant(local, zone));
}

std::string vtodo(const todo& t) {
  auto zone = ical_zone(t.time_zone);
  component c{icalcomponent_new_vtodo()};
  auto* v = c.ptr;
  icalcomponent_add_property(v, icalproperty_new_uid(t.id.str().c_str()));
  if (!t.parent_id.empty()) {
    // A subtask: its parent's UID (RFC 5545 3.8.4.5).
    auto* related = icalproperty_new_relatedto(t.parent_id.str().c_str());
    icalproperty_add_parameter(related,
                               icalparameter_new_reltype(ICAL_RELTYPE_PARENT));
    icalcomponent_add_property(v, related);
  }
  icalcomponent_add_property(
    v, icalproperty_new_dtstamp(utc_time(actors::domain::now_ms())));
  icalcomponent_add_property(v,
                             icalproperty_new_summary(t.title.str().c_str()));
  if (!t.notes.empty())
    icalcomponent_add_property(
      v, icalproperty_new_description(t.notes.str().c_str()));
  icalcomponent_add_property(v,
                             icalproperty_new_created(utc_time(t.created_ms)));
  icalcomponent_add_property(
    v, icalproperty_new_lastmodified(utc_time(t.updated_ms)));
  if (!t.due.empty()) {
    add_time(v, icalproperty_new_due, t.due.str(), zone);
    // A recurring component needs DTSTART (RFC 5545 3.8.5.3).
    if (t.recur)
      add_time(v, icalproperty_new_dtstart, t.due.str(), zone);
  }
  if (auto p = ical_priority(t.prio); p > 0)
    icalcomponent_add_property(v, icalproperty_new_priority(p));
  icalcomponent_add_property(
    v, icalproperty_new_status(t.completed ? ICAL_STATUS_COMPLETED
                                           : ICAL_STATUS_NEEDSACTION));
  if (t.completed && t.completed_ms)
    icalcomponent_add_property(
      v, icalproperty_new_completed(utc_time(*t.completed_ms)));
  if (t.recur) {
    auto rule = icalrecurrencetype_from_string(t.recur->rrule.c_str());
    if (!icaltime_is_null_time(rule.until) && !t.due.empty())
      rule.until = normalized_until(rule.until, t);
    icalcomponent_add_property(v, icalproperty_new_rrule(rule));
    for (auto& x : t.recur->exdates)
      add_exdate(v, x, zone);
  }
  for (auto& r : t.reminders)
    add_alarm(v, r, t.title.str());
  auto text = c.text();
  // One CATEGORIES per tag, written here: libical writes a comma inside a
  // CATEGORIES value unescaped, which readers take as two categories.
  std::string cats;
  for (auto& tag : t.tags)
    cats += folded("CATEGORIES:" + escape_text(tag.str()));
  if (!cats.empty()) {
    // Before the first alarm (a line of its own), else before the end.
    auto at = text.find("\r\nBEGIN:VALARM\r\n");
    at = at != std::string::npos ? at + 2 : text.rfind("END:VTODO\r\n");
    if (at != std::string::npos)
      text.insert(at, cats);
  }
  return text;
}

/// The VTIMEZONE of an IANA zone, its TZID the plain name.
std::string vtimezone(const std::string& name) {
  auto* zone = icaltimezone_get_builtin_timezone(name.c_str());
  if (zone == nullptr)
    return {};
  auto* src = icaltimezone_get_component(zone);
  if (src == nullptr)
    return {};
  component c{icalcomponent_new_clone(src)};
  if (auto* p = icalcomponent_get_first_property(c.ptr, ICAL_TZID_PROPERTY))
    icalproperty_set_tzid(p, name.c_str());
  return c.text();
}

class ics_exporter : public todo_exporter {
 public:
  std::string begin() override {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
           "PRODID:-//Actodo//Actodo export//EN\r\n"
           "CALSCALE:GREGORIAN\r\n";
  }

  std::string page(const std::vector<todo>& todos) override {
    std::string out;
    for (auto& t : todos) {
      // Each zone's VTIMEZONE once, before the first todo that uses it.
      auto zone = ical_zone(t.time_zone);
      if (!zone.empty() && zones_.insert(zone).second)
        out += vtimezone(zone);
      out += vtodo(t);
    }
    return out;
  }

  std::string end() override {
    return "END:VCALENDAR\r\n";
  }

  std::string_view media_type() const override {
    return "text/calendar";
  }

  std::string_view extension() const override {
    return "ics";
  }

 private:
  std::set<std::string> zones_;
};

} // namespace

std::unique_ptr<todo_exporter> make_ics_exporter() {
  return std::make_unique<ics_exporter>();
}

} // namespace actodo::io::codec
