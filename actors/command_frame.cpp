#include "actors/command_frame.hpp"

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/domain/reminder_action.hpp"
#include "actors/domain/time.hpp"
#include "actors/domain/validation.hpp"
#include "actors/problem.hpp"

namespace actodo::actors {

namespace {

using nlohmann::json;

decode_status bad(std::string_view detail, std::string_view field) {
  return {false, 400, make_problem(400, detail, field)};
}

decode_status check_todo_json(const json& body, bool create,
                              std::string_view prefix) {
  domain::todo_patch patch;
  auto mode = create ? domain::patch_mode::create : domain::patch_mode::update;
  if (auto err = domain::parse_patch(body, mode, patch)) {
    auto field = std::string{prefix};
    if (!err->field.empty())
      field += field.empty() ? err->field : "/" + err->field;
    return bad(err->detail, field);
  }
  return {};
}

decode_status check_reminder_json(const json& body, bool snooze,
                                  std::string_view prefix) {
  domain::reminder_action action;
  if (auto err = domain::parse_reminder_action(body, snooze, domain::now_ms(),
                                               action)) {
    auto field = std::string{prefix};
    if (!err->field.empty())
      field += field.empty() ? err->field : "/" + err->field;
    return bad(err->detail, field);
  }
  return {};
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

decode_status check_todo_body(std::string_view body, bool create) {
  if (!within_depth(body, max_json_depth))
    return bad("JSON nested deeper than " + std::to_string(max_json_depth), "");
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return bad("the body is not valid JSON (UTF-8)", "");
  return check_todo_json(doc, create, "");
}

decode_status check_reminder_body(std::string_view body, bool snooze) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return bad("the body is not valid JSON (UTF-8)", "");
  return check_reminder_json(doc, snooze, "");
}

decode_status parse_command_frame(std::string_view text, command& out) {
  if (!within_depth(text, max_json_depth))
    return bad("JSON nested deeper than " + std::to_string(max_json_depth), "");
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return bad("the frame is not valid JSON (UTF-8)", "");
  if (!doc.is_object())
    return bad("the frame must be a JSON object", "");
  if (auto i = doc.find("request_id"); i != doc.end() && !i->is_null()) {
    if (!i->is_string() || !valid_request_id(i->get<std::string>()))
      return bad("must be 1-128 characters of [A-Za-z0-9._:-]", "request_id");
    out.request_id = i->get<std::string>();
  }
  for (auto& kvp : doc.items()) {
    static constexpr std::string_view known[] = {
      "type", "request_id", "op", "id", "body", "if_match"};
    if (std::find(std::begin(known), std::end(known), kvp.key())
        == std::end(known))
      return bad("unknown field", kvp.key());
  }
  if (doc.value("type", json{}) != "command")
    return bad("must be \"command\"", "type");
  auto op = doc.value("op", json{});
  if (op == "create")
    out.op = command_op::create;
  else if (op == "update")
    out.op = command_op::update;
  else if (op == "delete")
    out.op = command_op::remove;
  else if (op == "snooze")
    out.op = command_op::snooze;
  else if (op == "dismiss")
    out.op = command_op::dismiss;
  else
    return bad("must be one of create, update, delete, snooze, dismiss", "op");
  if (out.op != command_op::create) {
    auto id = doc.value("id", json{});
    if (!id.is_string() || id.get<std::string>().empty()
        || id.get<std::string>().size() > 128)
      return bad("must name the todo (string)", "id");
    out.todo_id = id.get<std::string>();
  } else if (doc.contains("id")) {
    return bad("a new todo gets its id from the server", "id");
  }
  if (auto i = doc.find("if_match"); i != doc.end() && !i->is_null()) {
    if (!i->is_number_integer() || i->get<int64_t>() < 0)
      return bad("must be a non-negative integer", "if_match");
    out.if_match = i->get<int64_t>();
  }
  if (out.op == command_op::remove) {
    if (doc.contains("body"))
      return bad("delete takes no body", "body");
  } else if (out.op == command_op::snooze || out.op == command_op::dismiss) {
    // `{"reminder":n,"for"|"until":...}`; the todo_list checks the rest.
    auto body = doc.value("body", json{});
    if (!body.is_object() || !body.contains("reminder"))
      return bad("must be an object naming the reminder", "body/reminder");
    auto verdict = check_reminder_json(body, out.op == command_op::snooze,
                                       "body");
    if (!verdict.ok)
      return verdict;
    out.body = body.dump();
  } else {
    auto body = doc.value("body", json{});
    auto verdict = check_todo_json(body, out.op == command_op::create, "body");
    if (!verdict.ok)
      return verdict;
    out.body = body.dump();
  }
  // A request id the client chose makes a resent frame (after a lost
  // connection, say) idempotent: the command applies at most once.
  if (out.request_id.empty())
    out.request_id = new_id("r_");
  else
    out.idempotency_key = "ws:" + out.request_id;
  return {};
}

} // namespace actodo::actors
