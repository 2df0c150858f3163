#include "actors/domain/validation.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

using json = nlohmann::json;

using error = std::optional<field_error>;

error fail(std::string field, std::string detail) {
  return field_error{std::move(field), std::move(detail)};
}

bool is_read_only(std::string_view key) {
  for (std::string_view x :
       {"id", "created_at", "updated_at", "version", "completed_at", "url"})
    if (key == x)
      return true;
  return false;
}

bool is_writable(std::string_view key) {
  for (std::string_view x :
       {"title", "notes", "completed", "priority", "tags", "due", "order",
        "time_zone", "reminders", "recurrence", "project_id", "parent_id",
        "archived"})
    if (key == x)
      return true;
  return false;
}

error check_keys(const json& body) {
  for (auto& [key, value] : body.items()) {
    if (is_read_only(key))
      return fail(key, "read-only field");
    if (!is_writable(key))
      return fail(key, "unknown field");
  }
  return std::nullopt;
}

/// NUL and the other C0 control characters except tab.
bool has_control(std::string_view str) {
  return std::any_of(str.begin(), str.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\t';
  });
}

error parse_title(const json& x, todo_patch& out) {
  if (!x.is_string())
    return fail("title", "must be a string");
  auto& str = x.get_ref<const std::string&>();
  auto len = count_code_points(str);
  if (len < 1 || len > max_title_length)
    return fail("title", "must be 1-" + std::to_string(max_title_length)
                           + " characters");
  if (is_blank(str))
    return fail("title", "must not consist of white space only");
  if (has_control(str))
    return fail("title", "must not contain control characters (except tab)");
  out.title = str;
  return std::nullopt;
}

error parse_notes(const json& x, todo_patch& out) {
  if (x.is_null()) {
    out.notes = std::string{};
    return std::nullopt;
  }
  if (!x.is_string())
    return fail("notes", "must be a string or null");
  auto& str = x.get_ref<const std::string&>();
  if (count_code_points(str) > max_notes_length)
    return fail("notes", "must be at most " + std::to_string(max_notes_length)
                           + " characters");
  out.notes = str;
  return std::nullopt;
}

error parse_completed(const json& x, todo_patch& out) {
  if (!x.is_boolean())
    return fail("completed", "must be a boolean");
  out.completed = x.get<bool>();
  return std::nullopt;
}

error parse_prio(const json& x, todo_patch& out) {
  if (!x.is_string())
    return fail("priority", "must be a string");
  auto prio = parse_priority(x.get_ref<const std::string&>());
  if (!prio)
    return fail("priority", "must be one of none, low, medium, high, urgent");
  out.prio = *prio;
  return std::nullopt;
}

error parse_tags(const json& x, todo_patch& out) {
  if (!x.is_array())
    return fail("tags", "must be an array");
  if (x.size() > max_tags)
    return fail("tags",
                "must have at most " + std::to_string(max_tags) + " entries");
  std::vector<std::string> tags;
  std::set<std::string> folded;
  for (size_t i = 0; i < x.size(); ++i) {
    auto field = "tags/" + std::to_string(i);
    auto& tag = x[i];
    if (!tag.is_string())
      return fail(field, "must be a string");
    auto& str = tag.get_ref<const std::string&>();
    auto len = count_code_points(str);
    if (len < 1 || len > max_tag_length)
      return fail(field, "must be 1-" + std::to_string(max_tag_length)
                           + " characters");
    if (has_control(str))
      return fail(field, "must not contain control characters (except tab)");
    if (!folded.insert(ascii_lower(str)).second)
      return fail(field, "duplicate tag (tags are compared ignoring case)");
    tags.push_back(str);
  }
  out.tags = std::move(tags);
  return std::nullopt;
}

error parse_due(const json& x, todo_patch& out) {
  if (x.is_null()) {
    out.due = std::string{};
    return std::nullopt;
  }
  if (!x.is_string())
    return fail("due", "must be a string or null");
  auto& str = x.get_ref<const std::string&>();
  if (!parse_rfc3339(str, true))
    return fail("due",
                "must be an RFC 3339 date or date-time with time zone offset");
  out.due = str;
  return std::nullopt;
}

error parse_order(const json& x, todo_patch& out) {
  if (!x.is_number())
    return fail("order", "must be a number");
  auto val = x.get<double>();
  if (!std::isfinite(val))
    return fail("order", "must be a finite number");
  out.order = val;
  return std::nullopt;
}

error parse_zone(const json& x, todo_patch& out) {
  if (x.is_null()) {
    out.time_zone = std::string{};
    return std::nullopt;
  }
  if (!x.is_string() || !calendar::valid_zone(x.get_ref<const std::string&>()))
    return fail("time_zone",
                "must be an IANA time zone name (e.g. Europe/Berlin) or null");
  out.time_zone = x.get<std::string>();
  return std::nullopt;
}

bool ignored_key(std::string_view key,
                 std::initializer_list<std::string_view> read_only) {
  return std::find(read_only.begin(), read_only.end(), key) != read_only.end();
}

error parse_reminder(const json& x, const std::string& field, reminder& out) {
  if (!x.is_object())
    return fail(field, "must be an object with `at` or `offset`");
  for (auto& [key, value] : x.items()) {
    if (key != "at" && key != "offset" && key != "misfire"
        && !ignored_key(key, {"state", "next", "fired_at", "snoozed_until"}))
      return fail(field + "/" + key, "unknown field");
  }
  auto at = x.find("at");
  auto offset = x.find("offset");
  auto has_at = at != x.end() && !at->is_null();
  auto has_offset = offset != x.end() && !offset->is_null();
  if (has_at == has_offset)
    return fail(field, "needs exactly one of `at` and `offset`");
  if (has_at) {
    if (!at->is_string()
        || !parse_rfc3339(at->get_ref<const std::string&>(), false))
      return fail(field + "/at", "must be an RFC 3339 date-time with offset");
    out.at = at->get<std::string>();
  } else {
    auto ms = offset->is_string() ? calendar::parse_duration(
                offset->get_ref<const std::string&>())
                                  : std::nullopt;
    if (!ms)
      return fail(field + "/offset",
                  "must be an ISO 8601 duration such as -PT15M (weeks, days, "
                  "hours, minutes, seconds; at most 366 days)");
    out.offset_ms = *ms;
  }
  if (auto m = x.find("misfire"); m != x.end()) {
    if (*m == "fire_once")
      out.misfire = misfire_policy::fire_once;
    else if (*m == "skip")
      out.misfire = misfire_policy::skip;
    else
      return fail(field + "/misfire", "must be fire_once or skip");
  }
  return std::nullopt;
}

error parse_reminders(const json& x, todo_patch& out) {
  if (x.is_null()) {
    out.reminders.emplace();
    return std::nullopt;
  }
  if (!x.is_array())
    return fail("reminders", "must be an array");
  if (x.size() > max_reminders)
    return fail("reminders", "must have at most "
                               + std::to_string(max_reminders) + " entries");
  std::vector<reminder> result;
  for (size_t i = 0; i < x.size(); ++i) {
    reminder r;
    if (auto err = parse_reminder(x[i], "reminders/" + std::to_string(i), r))
      return err;
    result.push_back(std::move(r));
  }
  out.reminders = std::move(result);
  return std::nullopt;
}

error parse_exdates(const json& x, recurrence_input& out) {
  if (!x.is_array())
    return fail("recurrence/exdates", "must be an array");
  if (x.size() > max_exdates)
    return fail("recurrence/exdates", "must have at most "
                                        + std::to_string(max_exdates)
                                        + " entries");
  for (size_t i = 0; i < x.size(); ++i) {
    auto local = x[i].is_string()
                   ? calendar::parse_local(x[i].get_ref<const std::string&>())
                   : std::nullopt;
    if (!local)
      return fail("recurrence/exdates/" + std::to_string(i),
                  "must be a local date (2026-12-24) or date-time "
                  "(2026-12-24T09:00:00)");
    out.exdates.push_back(calendar::to_string(*local));
  }
  return std::nullopt;
}

error parse_recurrence(const json& x, todo_patch& out) {
  if (x.is_null()) {
    out.recurrence.emplace();
    return std::nullopt;
  }
  if (!x.is_object())
    return fail("recurrence", "must be an object or null");
  for (auto& [key, value] : x.items())
    if (key != "rrule" && key != "preset" && key != "exdates" && key != "mode"
        && !ignored_key(key, {"series_id", "index", "next_id", "ended",
                              "end_reason"}))
      return fail("recurrence/" + key, "unknown field");
  recurrence_input result;
  auto rrule = x.find("rrule");
  auto preset = x.find("preset");
  if ((rrule == x.end()) == (preset == x.end()))
    return fail("recurrence", "needs exactly one of `rrule` and `preset`");
  if (rrule != x.end()) {
    calendar::rule_error err;
    auto normalized = rrule->is_string() ? calendar::normalize_rrule(
                        rrule->get_ref<const std::string&>(), err)
                                         : std::nullopt;
    if (!normalized)
      return fail("recurrence/rrule",
                  rrule->is_string()
                    ? (err.part.empty() ? "" : err.part + ": ") + err.message
                    : "must be an RFC 5545 RRULE string");
    result.rrule = std::move(*normalized);
  } else {
    static constexpr std::string_view presets[] = {
      "daily",   "weekdays", "weekly",
      "monthly", "yearly",   "monthly_last_weekday"};
    if (!preset->is_string()
        || std::find(std::begin(presets), std::end(presets),
                     preset->get_ref<const std::string&>())
             == std::end(presets))
      return fail("recurrence/preset",
                  "must be one of daily, weekdays, weekly, monthly, "
                  "monthly_last_weekday, yearly");
    result.preset = preset->get<std::string>();
  }
  if (auto i = x.find("exdates"); i != x.end())
    if (auto err = parse_exdates(*i, result))
      return err;
  if (auto i = x.find("mode"); i != x.end()) {
    if (*i == "from_completion")
      result.from_completion = true;
    else if (*i != "from_due")
      return fail("recurrence/mode", "must be from_due or from_completion");
  }
  out.recurrence = std::move(result);
  return std::nullopt;
}

error parse_id_field(const json& x, const char* field, std::string null_value,
                     std::optional<std::string>& out) {
  if (x.is_null()) {
    out = std::move(null_value);
    return std::nullopt;
  }
  if (!x.is_string() || !valid_id(x.get_ref<const std::string&>()))
    return fail(field, "must be an id (1-64 of A-Z, a-z, 0-9, _ and -) or "
                       "null");
  out = x.get<std::string>();
  return std::nullopt;
}

error parse_project(const json& x, todo_patch& out) {
  return parse_id_field(x, "project_id", std::string{inbox_id}, out.project_id);
}

error parse_parent(const json& x, todo_patch& out) {
  return parse_id_field(x, "parent_id", std::string{}, out.parent_id);
}

error parse_archived(const json& x, todo_patch& out) {
  if (!x.is_boolean())
    return fail("archived", "must be a boolean");
  out.archived = x.get<bool>();
  return std::nullopt;
}

/// What the body alone tells about the due date a schedule needs: a body
/// that leaves the todo without `due` (a create without it, or any body
/// clearing it) cannot bring a recurrence or reminders relative to due.
error check_due_needed(const todo_patch& p, patch_mode mode) {
  auto no_due = mode == patch_mode::update ? p.due && p.due->empty()
                                           : !p.due || p.due->empty();
  if (!no_due)
    return std::nullopt;
  if (p.recurrence && *p.recurrence)
    return fail("recurrence", "a recurring todo needs a due date");
  if (p.reminders)
    for (size_t i = 0; i < p.reminders->size(); ++i)
      if ((*p.reminders)[i].at.empty())
        return fail("reminders/" + std::to_string(i) + "/offset",
                    "a reminder relative to due needs a due date");
  return std::nullopt;
}

} // namespace

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::optional<field_error> parse_patch(const nlohmann::json& body,
                                       patch_mode mode, todo_patch& out) {
  if (!body.is_object())
    return fail("", "must be a JSON object");
  if (auto err = check_keys(body))
    return err;
  if (mode == patch_mode::update) {
    if (body.empty())
      return fail("", "must contain at least one field");
  } else if (!body.contains("title")) {
    return fail("title", "is required");
  }
  using parser = error (*)(const json&, todo_patch&);
  static constexpr std::pair<const char*, parser> parsers[] = {
    {"title", parse_title},         {"notes", parse_notes},
    {"completed", parse_completed}, {"priority", parse_prio},
    {"tags", parse_tags},           {"due", parse_due},
    {"order", parse_order},         {"time_zone", parse_zone},
    {"reminders", parse_reminders}, {"recurrence", parse_recurrence},
    {"project_id", parse_project},  {"parent_id", parse_parent},
    {"archived", parse_archived},
  };
  todo_patch result;
  for (auto& [key, fn] : parsers) {
    if (auto i = body.find(key); i != body.end())
      if (auto err = fn(*i, result))
        return err;
  }
  if (auto err = check_due_needed(result, mode))
    return err;
  out = std::move(result);
  return std::nullopt;
}

} // namespace actodo::actors::domain
