#include "web/command_frame.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/domain/time.hpp"
#include "actors/frame_key.hpp"
#include "io/codec/command_body.hpp"

namespace actodo::web {

namespace {

using actors::command_op;
using actors::domain::field_error;
using nlohmann::json;

std::optional<field_error> bad(std::string detail, std::string field) {
  return field_error{std::move(field), std::move(detail)};
}

std::optional<field_error> decode_op(const json& doc, actors::command& out) {
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
  return std::nullopt;
}

std::optional<field_error> decode_body(const json& doc, actors::command& out) {
  if (out.op == command_op::remove) {
    if (doc.contains("body"))
      return bad("delete takes no body", "body");
    return std::nullopt;
  }
  auto body = doc.value("body", json{});
  if (out.op == command_op::snooze || out.op == command_op::dismiss) {
    if (!body.is_object() || !body.contains("reminder"))
      return bad("must be an object naming the reminder", "body/reminder");
    return io::codec::decode_reminder_body(body, out.op == command_op::snooze,
                                           actors::domain::now_ms(), out.action,
                                           out.canonical_body, "body");
  }
  return io::codec::decode_todo_body(body, out.op == command_op::create,
                                     out.patch, out.canonical_body, "body");
}

} // namespace

std::optional<field_error> decode_command_frame(std::string_view text,
                                                actors::command& out) {
  json doc;
  if (auto err = io::codec::parse_client_json(text, doc)) {
    if (err->detail.rfind("the body", 0) == 0)
      err->detail = "the frame is not valid JSON (UTF-8)";
    return err;
  }
  if (!doc.is_object())
    return bad("the frame must be a JSON object", "");
  if (auto i = doc.find("request_id"); i != doc.end() && !i->is_null()) {
    if (!i->is_string() || !io::codec::valid_request_id(i->get<std::string>()))
      return bad("must be 1-128 characters of [A-Za-z0-9._:-]", "request_id");
    out.request_id = i->get<std::string>();
  }
  static constexpr std::string_view known[] = {"type", "request_id", "op", "id",
                                               "body", "if_match"};
  for (auto& kvp : doc.items())
    if (std::find(std::begin(known), std::end(known), kvp.key())
        == std::end(known))
      return bad("unknown field", kvp.key());
  if (doc.value("type", json{}) != "command")
    return bad("must be \"command\"", "type");
  if (auto err = decode_op(doc, out))
    return err;
  if (auto i = doc.find("if_match"); i != doc.end() && !i->is_null()) {
    if (!i->is_number_integer() || i->get<int64_t>() < 0)
      return bad("must be a non-negative integer", "if_match");
    out.if_match = i->get<int64_t>();
  }
  if (auto err = decode_body(doc, out))
    return err;
  // A request id the client chose makes a resent frame (after a lost
  // connection, say) idempotent: the command applies at most once.
  if (out.request_id.empty())
    out.request_id = actors::new_id("r_");
  else
    out.idempotency_key = actors::frame_key(out.request_id);
  return std::nullopt;
}

} // namespace actodo::web
