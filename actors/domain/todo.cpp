#include "actors/domain/todo.hpp"

#include "actors/calendar/calendar.hpp"
#include "actors/domain/json_fields.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

/// Returns `obj[key]` as string, mapping null to the empty string.
std::string nullable_string(const nlohmann::json& obj, const char* key) {
  auto i = obj.find(key);
  if (i == obj.end() || i->is_null())
    return {};
  return i->get<std::string>();
}

nlohmann::json nullable_json(std::string_view str) {
  if (str.empty())
    return nullptr;
  return str;
}

/// `obj[key]`, an RFC 3339 date-time, in ms since the epoch; throws
/// `other_error` when it does not parse.
int64_t instant_of(const nlohmann::json& obj, const char* key) {
  auto str = obj.at(key).get<std::string>();
  if (auto ms = parse_rfc3339(str, false))
    return *ms;
  throw nlohmann::json::other_error::create(
    501, std::string{"not an RFC 3339 date-time: "} + key, &obj);
}

/// As `instant_of`, mapping null or missing to none.
std::optional<int64_t> nullable_instant(const nlohmann::json& obj,
                                        const char* key) {
  auto i = obj.find(key);
  if (i == obj.end() || i->is_null())
    return std::nullopt;
  return instant_of(obj, key);
}

nlohmann::json instant_json(std::optional<int64_t> ms) {
  if (!ms)
    return nullptr;
  return format_rfc3339_ms(*ms);
}

nlohmann::json to_json(const todo& t, const reminder& r) {
  nlohmann::json doc;
  if (r.at.empty())
    doc["offset"] = calendar::format_duration(r.offset_ms);
  else
    doc["at"] = r.at;
  doc["misfire"] = to_string(r.misfire);
  doc["state"] = to_string(r.state);
  doc["snoozed_until"] = nullptr;
  if (r.snoozed_until > 0)
    doc["snoozed_until"] = format_rfc3339_ms(r.snoozed_until);
  doc["fired_at"] = nullable_json(r.fired_at);
  doc["next"] = nullptr;
  if (auto at = reminder_instant(t, r); at && !t.completed && !t.archived)
    doc["next"] = format_rfc3339_ms(*at);
  return doc;
}

reminder reminder_from_json(const nlohmann::json& obj) {
  reminder r;
  if (auto i = obj.find("at"); i != obj.end() && !i->is_null())
    r.at = i->get<std::string>();
  else if (auto ms = calendar::parse_duration(
             obj.at("offset").get<std::string>()))
    r.offset_ms = *ms;
  r.misfire = obj.value("misfire", "fire_once") == "skip"
                ? misfire_policy::skip
                : misfire_policy::fire_once;
  auto state = obj.value("state", "pending");
  for (auto x : {reminder_state::pending, reminder_state::fired,
                 reminder_state::dismissed, reminder_state::skipped})
    if (to_string(x) == state)
      r.state = x;
  if (auto i = obj.find("snoozed_until"); i != obj.end() && i->is_string())
    r.snoozed_until = parse_rfc3339(i->get<std::string>(), false).value_or(0);
  r.fired_at = nullable_string(obj, "fired_at");
  return r;
}

nlohmann::json to_json(const recurrence& r) {
  return nlohmann::json{
    {"rrule", r.rrule},
    {"exdates", r.exdates},
    {"mode", r.from_completion ? "from_completion" : "from_due"},
    {"series_id", r.series_id},
    {"index", r.index},
    {"next_id", nullable_json(r.next_id)},
    {"ended", r.ended},
    {"end_reason", nullable_json(r.end_reason)},
  };
}

recurrence recurrence_from_json(const nlohmann::json& obj) {
  recurrence r;
  r.rrule = obj.at("rrule").get<std::string>();
  r.exdates = obj.value("exdates", std::vector<std::string>{});
  r.from_completion = obj.value("mode", "from_due") == "from_completion";
  r.series_id = obj.value("series_id", "");
  r.index = integer_or(obj, "index", 1);
  r.next_id = nullable_string(obj, "next_id");
  r.ended = obj.value("ended", false);
  r.end_reason = nullable_string(obj, "end_reason");
  return r;
}

bool needs_escape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

void append_string(std::string& out, std::string_view str) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0; // Start of the bytes not yet appended.
  for (size_t i = 0; i < str.size(); ++i) {
    auto c = static_cast<unsigned char>(str[i]);
    if (!needs_escape(c))
      continue;
    out.append(str.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(str.data() + run, str.size() - run);
  out += '"';
}

void append_nullable(std::string& out, std::string_view str) {
  if (str.empty())
    out += "null";
  else
    append_string(out, str);
}

/// The RFC 3339 text of `ms` as a JSON string (nothing in it to escape).
void append_instant(std::string& out, int64_t ms) {
  out += '"';
  append_rfc3339_ms(out, ms);
  out += '"';
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string_view to_string(misfire_policy x) {
  return x == misfire_policy::skip ? "skip" : "fire_once";
}

std::string_view to_string(reminder_state x) {
  switch (x) {
    case reminder_state::pending: return "pending";
    case reminder_state::fired: return "fired";
    case reminder_state::dismissed: return "dismissed";
    case reminder_state::skipped: return "skipped";
  }
  return "pending";
}

bool operator==(const reminder& x, const reminder& y) {
  return x.at == y.at && x.offset_ms == y.offset_ms && x.misfire == y.misfire
         && x.state == y.state && x.snoozed_until == y.snoozed_until
         && x.fired_at == y.fired_at;
}

bool operator==(const recurrence& x, const recurrence& y) {
  return x.rrule == y.rrule && x.exdates == y.exdates
         && x.from_completion == y.from_completion && x.series_id == y.series_id
         && x.index == y.index && x.next_id == y.next_id && x.ended == y.ended
         && x.end_reason == y.end_reason;
}

std::string_view to_string(priority x) {
  switch (x) {
    case priority::none: return "none";
    case priority::low: return "low";
    case priority::medium: return "medium";
    case priority::high: return "high";
    case priority::urgent: return "urgent";
  }
  return "none";
}

std::optional<priority> parse_priority(std::string_view str) {
  for (auto x : {priority::none, priority::low, priority::medium,
                 priority::high, priority::urgent})
    if (to_string(x) == str)
      return x;
  return std::nullopt;
}

bool operator==(const todo& x, const todo& y) {
  return x.id == y.id && x.title == y.title && x.notes == y.notes
         && x.completed == y.completed && x.completed_ms == y.completed_ms
         && x.prio == y.prio && x.tags == y.tags && x.due == y.due
         && x.order == y.order && x.created_ms == y.created_ms
         && x.updated_ms == y.updated_ms && x.version == y.version
         && x.time_zone == y.time_zone && x.reminders == y.reminders
         && x.recur == y.recur && x.project_id == y.project_id
         && x.parent_id == y.parent_id && x.archived == y.archived;
}

nlohmann::json to_json(const todo& x) {
  auto reminders = nlohmann::json::array();
  for (auto& r : x.reminders)
    reminders.push_back(to_json(x, r));
  return nlohmann::json{
    {"id", x.id},
    {"title", x.title},
    {"notes", x.notes},
    {"completed", x.completed},
    {"completed_at", instant_json(x.completed_ms)},
    {"priority", std::string{to_string(x.prio)}},
    {"tags", x.tags},
    {"due", nullable_json(x.due)},
    {"order", x.order},
    {"created_at", format_rfc3339_ms(x.created_ms)},
    {"updated_at", format_rfc3339_ms(x.updated_ms)},
    {"version", x.version},
    {"time_zone", nullable_json(x.time_zone)},
    {"reminders", std::move(reminders)},
    {"recurrence", x.recur ? to_json(*x.recur) : nlohmann::json{}},
    {"project_id", x.project_id},
    {"parent_id", nullable_json(x.parent_id)},
    {"archived", x.archived},
  };
}

void append_json(std::string& out, const todo& x) {
  // nlohmann::json objects are std::maps: keys in byte order.
  out += R"({"archived":)";
  out += x.archived ? "true" : "false";
  out += R"(,"completed":)";
  out += x.completed ? "true" : "false";
  out += R"(,"completed_at":)";
  if (x.completed_ms)
    append_instant(out, *x.completed_ms);
  else
    out += "null";
  out += R"(,"created_at":)";
  append_instant(out, x.created_ms);
  out += R"(,"due":)";
  append_nullable(out, x.due);
  out += R"(,"id":)";
  append_string(out, x.id);
  out += R"(,"notes":)";
  append_string(out, x.notes);
  out += R"(,"order":)";
  out += dump(x.order); // nlohmann's shortest round-trip form.
  out += R"(,"parent_id":)";
  append_nullable(out, x.parent_id);
  out += R"(,"priority":)";
  append_string(out, to_string(x.prio));
  out += R"(,"project_id":)";
  append_string(out, x.project_id);
  out += R"(,"recurrence":)";
  out += x.recur ? dump(to_json(*x.recur)) : "null";
  out += R"(,"reminders":[)";
  for (size_t i = 0; i < x.reminders.size(); ++i) {
    if (i > 0)
      out += ',';
    out += dump(to_json(x, x.reminders[i]));
  }
  out += R"(],"tags":[)";
  for (size_t i = 0; i < x.tags.size(); ++i) {
    if (i > 0)
      out += ',';
    append_string(out, x.tags[i]);
  }
  out += R"(],"time_zone":)";
  append_nullable(out, x.time_zone);
  out += R"(,"title":)";
  append_string(out, x.title);
  out += R"(,"updated_at":)";
  append_instant(out, x.updated_ms);
  out += R"(,"version":)";
  out += std::to_string(x.version);
  out += '}';
}

todo todo_from_json(const nlohmann::json& obj) {
  todo result;
  result.id = obj.at("id").get<std::string>();
  result.title = obj.at("title").get<std::string>();
  result.notes = nullable_string(obj, "notes");
  result.completed = obj.at("completed").get<bool>();
  result.completed_ms = nullable_instant(obj, "completed_at");
  if (auto i = obj.find("priority"); i != obj.end()) {
    auto str = i->get<std::string>();
    if (auto prio = parse_priority(str))
      result.prio = *prio;
    else
      throw nlohmann::json::other_error::create(501, "unknown priority: " + str,
                                                &obj);
  }
  if (auto i = obj.find("tags"); i != obj.end())
    result.tags = i->get<std::vector<compact_string>>();
  result.due = nullable_string(obj, "due");
  if (auto i = obj.find("order"); i != obj.end())
    result.order = i->get<double>();
  result.created_ms = instant_of(obj, "created_at");
  result.updated_ms = instant_of(obj, "updated_at");
  result.version = integer_at(obj, "version");
  result.time_zone = nullable_string(obj, "time_zone");
  if (auto i = obj.find("reminders"); i != obj.end())
    for (auto& r : *i)
      result.reminders.push_back(reminder_from_json(r));
  if (auto i = obj.find("recurrence"); i != obj.end() && !i->is_null())
    result.recur = recurrence_from_json(*i);
  if (auto i = obj.find("project_id"); i != obj.end())
    result.project_id = i->get<std::string>();
  result.parent_id = nullable_string(obj, "parent_id");
  result.archived = obj.value("archived", false);
  return result;
}

} // namespace actodo::actors::domain
