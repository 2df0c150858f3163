#include "io/codec/command_body.hpp"

namespace actodo::io::codec {

namespace domain = actors::domain;

namespace {

field_error prefixed(field_error err, std::string_view prefix) {
  if (prefix.empty())
    return err;
  auto field = std::string{prefix};
  if (!err.field.empty())
    field += "/" + err.field;
  err.field = std::move(field);
  return err;
}

} // namespace

bool within_depth(std::string_view json_text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json_text.size(); ++i) {
    auto c = json_text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth)
        return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (auto c : id) {
    auto ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':'
              || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

std::optional<field_error> parse_client_json(std::string_view text,
                                             nlohmann::json& out) {
  if (!within_depth(text, max_json_depth))
    return field_error{"", "JSON nested deeper than "
                             + std::to_string(max_json_depth)};
  out = nlohmann::json::parse(text, nullptr, false);
  if (out.is_discarded())
    return field_error{"", "the body is not valid JSON (UTF-8)"};
  return std::nullopt;
}

std::string canonical(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<field_error>
decode_todo_body(const nlohmann::json& body, bool create, todo_patch& patch,
                 std::string& canonical_text, std::string_view prefix) {
  using domain::patch_mode;
  auto mode = create ? patch_mode::create : patch_mode::update;
  if (auto err = parse_patch(body, mode, patch))
    return prefixed(std::move(*err), prefix);
  canonical_text = canonical(body);
  return std::nullopt;
}

std::optional<field_error>
decode_reminder_body(const nlohmann::json& body, bool snooze, int64_t now_ms,
                     reminder_action& action, std::string& canonical_text,
                     std::string_view prefix) {
  if (auto err = parse_reminder_action(body, snooze, now_ms, action))
    return prefixed(std::move(*err), prefix);
  canonical_text = canonical(body);
  return std::nullopt;
}

} // namespace actodo::io::codec
