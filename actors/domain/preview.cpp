#include "actors/domain/preview.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

/// `limit` of a listing: 1-100, default 10.
std::optional<size_t> parse_limit(const std::string& str) {
  if (str.empty())
    return 10;
  if (str.size() > 3
      || str.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto n = std::stoul(str);
  if (n < 1 || n > max_occurrences)
    return std::nullopt;
  return n;
}

} // namespace

std::optional<field_error>
decode_preview(const std::vector<std::pair<std::string, std::string>>& params,
               int64_t now_ms, preview_request& out) {
  using nlohmann::json;
  // The same validation as a todo with these fields.
  json body{{"title", "preview"}};
  json rec = json::object();
  std::string limit;
  for (auto& [key, value] : params) {
    if (key == "rrule" || key == "preset" || key == "mode")
      rec[key] = value;
    else if (key == "exdate")
      rec["exdates"].push_back(value);
    else if (key == "due" || key == "time_zone")
      body[key] = value;
    else if (key == "limit")
      limit = value;
    else
      return field_error{key, "unknown parameter"};
  }
  auto n = parse_limit(limit);
  if (!n)
    return field_error{"limit", "must be 1-100"};
  if (!body.contains("due"))
    return field_error{"due", "is required"};
  if (!rec.contains("rrule") && !rec.contains("preset"))
    return field_error{"rrule", "rrule or preset is required"};
  out.field = rec.contains("preset") ? "preset" : "rrule";
  body["recurrence"] = std::move(rec);
  todo_patch patch;
  if (auto err = parse_patch(body, patch_mode::create, patch)) {
    if (err->field.compare(0, 11, "recurrence/") == 0)
      err->field = err->field.substr(11);
    return err;
  }
  out.sample = todo{};
  out.sample.id = "preview";
  apply_patch(patch, patch_mode::create, now_ms, out.sample);
  if (auto err = check_schedule(out.sample))
    return err;
  out.limit = *n;
  return std::nullopt;
}

} // namespace actodo::actors::domain
