#include "io/cloud_events.hpp"

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/record_codec.hpp"
#include "io/codec/command_body.hpp"

namespace actodo::io {

namespace {

using nlohmann::json;

constexpr std::string_view type_prefix = "actodo.command.";

std::optional<record_error> error(std::string detail, std::string field) {
  return record_error{std::move(detail), std::move(field)};
}

/// A JSON attribute as header text: strings verbatim, the rest as JSON.
std::string text_of(const json& x) {
  return x.is_string() ? x.get<std::string>() : x.dump();
}

/// The context attributes and the data of a command, either mode.
struct attributes {
  std::string specversion, id, type, subject, ifmatch;
  json data;
  bool has_data = false;
};

std::optional<record_error> read_attributes(const kafka_record& rec,
                                            attributes& out) {
  auto content_type = rec.header("content-type");
  if (content_type != nullptr
      && content_type->rfind("application/cloudevents", 0) == 0) {
    if (!io::codec::within_depth(rec.value, io::codec::max_json_depth))
      return error("JSON nested too deeply", "value");
    auto doc = json::parse(rec.value, nullptr, false);
    if (!doc.is_object())
      return error("a structured CloudEvent must be a JSON object", "value");
    auto attr = [&](const char* name) {
      auto i = doc.find(name);
      return i == doc.end() || i->is_null() ? std::string{} : text_of(*i);
    };
    out.specversion = attr("specversion");
    out.id = attr("id");
    out.type = attr("type");
    out.subject = attr("subject");
    out.ifmatch = attr("ifmatch");
    if (auto i = doc.find("data"); i != doc.end()) {
      out.data = *i;
      out.has_data = true;
    }
    return std::nullopt;
  }
  auto attr = [&](const char* name) {
    auto h = rec.header(std::string{"ce_"} + name);
    return h == nullptr ? std::string{} : *h;
  };
  out.specversion = attr("specversion");
  out.id = attr("id");
  out.type = attr("type");
  out.subject = attr("subject");
  out.ifmatch = attr("ifmatch");
  if (!rec.value.empty()) {
    if (!io::codec::within_depth(rec.value, io::codec::max_json_depth))
      return error("JSON nested too deeply", "value");
    out.data = json::parse(rec.value, nullptr, false);
    if (out.data.is_discarded())
      return error("the data is not valid JSON", "value");
    out.has_data = true;
  }
  return std::nullopt;
}

/// Decodes the data of a create or update into the command.
std::optional<record_error> decode_data(const json& data,
                                        actors::command& out) {
  auto create = out.op == actors::command_op::create;
  if (auto err = io::codec::decode_todo_body(data, create, out.patch,
                                             out.canonical_body))
    return error(err->detail,
                 err->field.empty() ? "data" : "data/" + err->field);
  return std::nullopt;
}

} // namespace

const std::string* kafka_record::header(std::string_view name) const {
  const std::string* result = nullptr;
  for (auto& [k, v] : headers)
    if (k == name)
      result = &v;
  return result;
}

std::optional<record_error> parse_command_record(const kafka_record& rec,
                                                 actors::command& out) {
  attributes a;
  if (auto err = read_attributes(rec, a))
    return err;
  if (a.specversion != "1.0")
    return error("must be 1.0", "ce_specversion");
  if (!io::codec::valid_request_id(a.id))
    return error("must be 1-128 characters of [A-Za-z0-9._:-]", "ce_id");
  if (rec.key.empty() || rec.key.size() > 128)
    return error("the key must be the user id (1-128 bytes)", "key");
  out.user_id = rec.key;
  out.request_id = a.id;
  auto op = a.type.rfind(type_prefix, 0) == 0
              ? a.type.substr(type_prefix.size())
              : std::string{};
  if (op == "create")
    out.op = actors::command_op::create;
  else if (op == "update" || op == "complete")
    out.op = actors::command_op::update;
  else if (op == "delete")
    out.op = actors::command_op::remove;
  else
    return error("must be actodo.command.create|update|delete|complete",
                 "ce_type");
  if (out.op != actors::command_op::create) {
    if (a.subject.empty() || a.subject.size() > 128)
      return error("must name the todo", "ce_subject");
    out.todo_id = a.subject;
  }
  if (!a.ifmatch.empty()) {
    try {
      size_t used = 0;
      out.if_match = std::stoll(a.ifmatch, &used);
      if (used != a.ifmatch.size() || out.if_match < 0)
        return error("must be a non-negative integer", "ce_ifmatch");
    } catch (const std::exception&) {
      return error("must be a non-negative integer", "ce_ifmatch");
    }
  }
  if (op == "complete") {
    if (auto err = decode_data(json{{"completed", true}}, out))
      return err;
  } else if (op == "delete") {
    if (a.has_data && !a.data.is_null())
      return error("delete takes no data", "data");
  } else {
    if (!a.has_data || !a.data.is_object())
      return error("must be a JSON object (the todo)", "data");
    if (auto err = decode_data(a.data, out))
      return err;
  }
  auto key = rec.header("actodo_idempotency_key");
  out.idempotency_key = key != nullptr && !key->empty() ? *key
                                                        : "kafka:" + a.id;
  return std::nullopt;
}

outgoing event_message(const persistence::outbox_record& ev,
                       const std::string& mode) {
  outgoing result;
  if (mode == "structured") {
    result.value = ev.json;
    result.headers.emplace_back("content-type",
                                "application/cloudevents+json; charset=UTF-8");
    return result;
  }
  auto doc = json::parse(ev.json, nullptr, false);
  if (!doc.is_object()) { // Not expected: the log holds our own JSON.
    result.value = ev.json;
    return result;
  }
  for (auto& [name, value] : doc.items()) {
    if (name == "data")
      result.value = value.dump();
    else if (name == "datacontenttype")
      result.headers.emplace_back("content-type", text_of(value));
    else
      result.headers.emplace_back("ce_" + name, text_of(value));
  }
  return result;
}

outgoing result_message(const kafka_record& cmd,
                        const actors::command_outcome& x) {
  outgoing result;
  json body = nullptr;
  if (auto text = actors::records::body_of(x); !text.empty())
    body = json::parse(text, nullptr, false);
  auto id_header = cmd.header("ce_id");
  std::string id = !x.request_id.empty()  ? x.request_id
                   : id_header != nullptr ? *id_header
                                          : std::string{};
  result.value = json{
    {"request_id", id},
    {"status", actors::records::status_of(x.code)},
    {"body", body}}.dump();
  result.headers = {{"ce_specversion", "1.0"},
                    {"ce_id", "result-" + id},
                    {"ce_source", "/actodo"},
                    {"ce_type", "actodo.command.result"},
                    {"content-type", "application/json"}};
  auto spring = cmd.header("kafka_correlationId");
  auto ce = cmd.header("ce_correlationid");
  if (spring != nullptr)
    result.headers.emplace_back("kafka_correlationId", *spring);
  if (ce != nullptr)
    result.headers.emplace_back("ce_correlationid", *ce);
  if (spring == nullptr && ce == nullptr)
    result.headers.emplace_back("ce_correlationid", id);
  return result;
}

std::string reply_topic(const kafka_record& cmd, const std::string& fallback) {
  for (auto name : {"kafka_replyTopic", "ce_replytopic"})
    if (auto h = cmd.header(name); h != nullptr && !h->empty())
      return *h;
  return fallback;
}

outgoing command_message(const actors::command& cmd) {
  outgoing result;
  std::string type = cmd.op == actors::command_op::create   ? "create"
                     : cmd.op == actors::command_op::remove ? "delete"
                                                            : "update";
  result.headers = {{"ce_specversion", "1.0"},
                    {"ce_id", cmd.request_id},
                    {"ce_source", "/actodo/http"},
                    {"ce_type", std::string{type_prefix} + type},
                    {"content-type", "application/json"}};
  if (!cmd.todo_id.empty())
    result.headers.emplace_back("ce_subject", cmd.todo_id);
  if (cmd.if_match >= 0)
    result.headers.emplace_back("ce_ifmatch", std::to_string(cmd.if_match));
  if (!cmd.idempotency_key.empty())
    result.headers.emplace_back("actodo_idempotency_key", cmd.idempotency_key);
  result.value = cmd.canonical_body;
  return result;
}

} // namespace actodo::io
