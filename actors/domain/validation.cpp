#include "actors/domain/validation.hpp"

#include <cmath>
#include <set>

#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"

namespace actodo::domain {

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
       {"title", "notes", "completed", "priority", "tags", "due", "order"})
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

} // namespace

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
    {"order", parse_order},
  };
  todo_patch result;
  for (auto& [key, fn] : parsers) {
    if (auto i = body.find(key); i != body.end())
      if (auto err = fn(*i, result))
        return err;
  }
  out = std::move(result);
  return std::nullopt;
}

} // namespace actodo::domain
