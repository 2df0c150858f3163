#include "actors/domain/project.hpp"

#include <cmath>

#include "actors/domain/json_fields.hpp"
#include "actors/domain/text.hpp"

namespace actodo::actors::domain {

namespace {

using json = nlohmann::json;
using error = std::optional<field_error>;

error fail(std::string field, std::string detail) {
  return field_error{std::move(field), std::move(detail)};
}

bool hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F');
}

/// `#rgb` or `#rrggbb` as lower-case `#rrggbb`; empty when malformed.
std::string normalize_color(const std::string& str) {
  if ((str.size() != 4 && str.size() != 7) || str[0] != '#')
    return {};
  for (size_t i = 1; i < str.size(); ++i)
    if (!hex_digit(str[i]))
      return {};
  auto lower = ascii_lower(str);
  if (lower.size() == 7)
    return lower;
  return std::string{'#',      lower[1], lower[1], lower[2],
                     lower[2], lower[3], lower[3]};
}

error parse_name(const json& x, project_patch& out) {
  if (!x.is_string())
    return fail("name", "must be a string");
  auto& str = x.get_ref<const std::string&>();
  auto len = count_code_points(str);
  if (len < 1 || len > max_project_name_length || is_blank(str))
    return fail("name", "must be 1-" + std::to_string(max_project_name_length)
                          + " characters, not only white space");
  for (auto c : str)
    if (static_cast<unsigned char>(c) < 0x20)
      return fail("name", "must not contain control characters");
  out.name = str;
  return std::nullopt;
}

error parse_color(const json& x, project_patch& out) {
  if (x.is_null()) {
    out.color = std::string{};
    return std::nullopt;
  }
  auto color = x.is_string() ? normalize_color(x.get<std::string>()) : "";
  if (color.empty())
    return fail("color", "must be #rgb or #rrggbb (hex) or null");
  out.color = std::move(color);
  return std::nullopt;
}

error parse_order(const json& x, project_patch& out) {
  if (!x.is_number() || !std::isfinite(x.get<double>()))
    return fail("order", "must be a finite number");
  out.order = x.get<double>();
  return std::nullopt;
}

error parse_archived(const json& x, project_patch& out) {
  if (!x.is_boolean())
    return fail("archived", "must be a boolean");
  out.archived = x.get<bool>();
  return std::nullopt;
}

} // namespace

bool operator==(const project& x, const project& y) {
  return x.id == y.id && x.name == y.name && x.color == y.color
         && x.order == y.order && x.archived == y.archived
         && x.created_at == y.created_at && x.updated_at == y.updated_at
         && x.version == y.version;
}

project default_inbox() {
  project x;
  x.id = inbox_id;
  x.name = "Inbox";
  x.version = 0;
  return x;
}

json to_json(const project& x) {
  auto nullable = [](std::string_view str) {
    return str.empty() ? json{} : json(str);
  };
  return json{
    {"id", x.id},
    {"name", x.name},
    {"color", nullable(x.color)},
    {"order", x.order},
    {"archived", x.archived},
    {"created_at", nullable(x.created_at)},
    {"updated_at", nullable(x.updated_at)},
    {"version", x.version},
  };
}

project project_from_json(const json& obj) {
  auto text = [&obj](const char* key) {
    auto i = obj.find(key);
    return i == obj.end() || i->is_null() ? std::string{}
                                          : i->get<std::string>();
  };
  project x;
  x.id = obj.at("id").get<std::string>();
  x.name = obj.at("name").get<std::string>();
  x.color = text("color");
  x.order = obj.value("order", 0.0);
  x.archived = obj.value("archived", false);
  x.created_at = text("created_at");
  x.updated_at = text("updated_at");
  x.version = integer_at(obj, "version");
  return x;
}

std::optional<field_error> parse_project_patch(const json& body, bool create,
                                               project_patch& out) {
  if (!body.is_object())
    return fail("", "must be a JSON object");
  using parser = error (*)(const json&, project_patch&);
  static constexpr std::pair<const char*, parser> parsers[] = {
    {"name", parse_name},
    {"color", parse_color},
    {"order", parse_order},
    {"archived", parse_archived},
  };
  for (auto& [key, value] : body.items()) {
    if (key == "id" || key == "created_at" || key == "updated_at"
        || key == "version")
      return fail(key, "read-only field");
    auto known = false;
    for (auto& kvp : parsers)
      known = known || key == kvp.first;
    if (!known)
      return fail(key, "unknown field");
  }
  if (create && !body.contains("name"))
    return fail("name", "is required");
  if (!create && body.empty())
    return fail("", "must contain at least one field");
  project_patch result;
  for (auto& [key, fn] : parsers)
    if (auto i = body.find(key); i != body.end())
      if (auto err = fn(*i, result))
        return err;
  out = std::move(result);
  return std::nullopt;
}

bool apply_project_patch(const project_patch& p, std::string_view now,
                         project& x) {
  auto next = x;
  if (p.name)
    next.name = *p.name;
  if (p.color)
    next.color = *p.color;
  if (p.order)
    next.order = *p.order;
  if (p.archived)
    next.archived = *p.archived;
  if (next == x && x.version > 0)
    return false;
  if (next.created_at.empty())
    next.created_at = now;
  next.updated_at = now;
  ++next.version;
  x = std::move(next);
  return true;
}

} // namespace actodo::actors::domain
