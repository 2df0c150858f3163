#include "actors/record_codec.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "actors/frame_key.hpp"
#include "config/error.hpp"

namespace actodo::actors::records {

namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// A JSON string literal of `str`.
std::string json_string(std::string_view str) {
  return dump(json(str));
}

outcome_code code_of(int32_t status) {
  switch (status) {
    case 201: return outcome_code::created;
    case 200: return outcome_code::updated;
    case 204: return outcome_code::deleted;
    case 404: return outcome_code::not_found;
    case 412: return outcome_code::version_mismatch;
    case 409: return outcome_code::too_many;
    case 422: return outcome_code::key_reused;
    default: return outcome_code::invalid;
  }
}

/// `<head>"request_id":...,["state":...,]"status":...,"body":...}`.
std::string outcome_object(std::string_view head,
                           const persistence::request_record& rec,
                           bool with_state) {
  std::string out{head};
  out += R"("request_id":)";
  out += json_string(rec.request_id);
  if (with_state) {
    out += R"(,"state":)";
    out += json_string(rec.state);
  }
  out += R"(,"status":)";
  out += std::to_string(rec.status);
  out += R"(,"body":)";
  out += rec.body.empty() ? "null" : rec.body;
  out += '}';
  return out;
}

} // namespace

int32_t status_of(outcome_code x) {
  switch (x) {
    case outcome_code::accepted: return 202;
    case outcome_code::created: return 201;
    case outcome_code::updated: return 200;
    case outcome_code::deleted: return 204;
    case outcome_code::unchanged: return 204;
    case outcome_code::invalid: return 400;
    case outcome_code::not_found: return 404;
    case outcome_code::version_mismatch: return 412;
    case outcome_code::too_many: return 409;
    case outcome_code::in_progress: return 409;
    case outcome_code::key_reused: return 422;
  }
  return 500;
}

std::string encode_todo(const domain::todo& t) {
  std::string out;
  out.reserve(512);
  domain::append_json(out, t);
  return out;
}

caf::expected<domain::todo> decode_todo(std::string_view text) {
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_object())
    return caf::make_error(ec::invalid_record, "stored todo is not an object");
  try {
    return domain::todo_from_json(doc);
  } catch (const json::exception& e) {
    return caf::make_error(ec::invalid_record,
                           std::string{"stored todo: "} + e.what());
  }
}

std::string encode_project(const domain::project& p) {
  return dump(domain::to_json(p));
}

std::string encode_settings(const user_settings& x) {
  return dump(
    json{{"id", settings_id},
         {"time_zone", x.time_zone.empty() ? json{} : json(x.time_zone)},
         {"read_up_to", x.read_up_to}});
}

std::string notification_row(int64_t id) {
  auto digits = std::to_string(id);
  return "n_" + std::string(20 - std::min<size_t>(digits.size(), 20), '0')
         + digits;
}

std::string encode_notification(const domain::notification& x) {
  auto doc = domain::to_json(x);
  doc["row"] = notification_row(x.id);
  return dump(doc);
}

std::string notifications_frame(int64_t unread,
                                const domain::notification* latest) {
  return dump(json{{"type", "notifications"},
                   {"unread", unread},
                   {"latest", latest ? domain::to_json(*latest) : json{}}});
}

caf::expected<stored_row> decode_row(std::string_view text) {
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_object())
    return caf::make_error(ec::invalid_record, "stored row is not an object");
  try {
    if (doc.contains("row"))
      return stored_row{domain::notification_from_json(doc)};
    auto id = doc.value("id", "");
    if (id == settings_id) {
      auto zone = doc.at("time_zone");
      return stored_row{
        user_settings{zone.is_null() ? "" : zone.get<std::string>(),
                      doc.value("read_up_to", int64_t{0})}};
    }
    if (id.rfind("p_", 0) == 0)
      return stored_row{domain::project_from_json(doc)};
    return stored_row{domain::todo_from_json(doc)};
  } catch (const json::exception& e) {
    return caf::make_error(ec::invalid_record,
                           std::string{"stored row: "} + e.what());
  }
}

persistence::event_record
make_event(const envelope& env, int64_t seq, std::string_view type,
           std::string_view todo_id, std::string_view data_json) {
  // Keys in the order nlohmann::json sorts them: the stored form is
  // identical to a dump of the same object, without a second encoding of
  // the (already encoded) data.
  auto seq_text = std::to_string(seq);
  std::string ev = R"({"data":)";
  ev += data_json;
  ev += R"(,"datacontenttype":"application/json","id":)";
  ev += json_string(std::string{env.user_id} + "-" + seq_text);
  ev += R"(,"requestid":)";
  ev += json_string(env.request_id);
  ev += R"(,"sequence":)";
  ev += seq_text;
  ev += R"(,"source":)";
  ev += json_string("/actodo/users/" + std::string{env.user_id});
  ev += R"(,"specversion":"1.0","subject":)";
  ev += json_string(todo_id);
  ev += R"(,"time":)";
  ev += json_string(env.time);
  ev += R"(,"type":)";
  ev += json_string(type);
  ev += '}';
  return {seq, std::string{type}, std::string{todo_id}, std::move(ev)};
}

std::string deleted_data(std::string_view todo_id) {
  return R"({"id":)" + json_string(todo_id) + "}";
}

std::string reminder_data(std::string_view todo_json, size_t index,
                          std::string_view key, std::string_view value) {
  // Keys in sorted order, as a dump of the same object would have them.
  auto extra = [&] {
    return key.empty() ? std::string{}
                       : "," + json_string(key) + ":" + json_string(value);
  };
  auto first = key < std::string_view{"todo"};
  std::string data = R"({"reminder":)";
  data += std::to_string(index);
  if (first)
    data += extra();
  data += R"(,"todo":)";
  data += todo_json;
  if (!first)
    data += extra();
  data += '}';
  return data;
}

std::string body_of(const command_outcome& x) {
  if (is_rejection(x.code))
    return problem(status_of(x.code), x.detail, x.field);
  if (x.project)
    return encode_project(*x.project);
  return x.todo ? encode_todo(*x.todo) : std::string{};
}

std::string_view status_title(int32_t status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

std::string problem(int32_t status, std::string_view detail,
                    std::string_view field) {
  nlohmann::json doc{{"type", "about:blank"},
                     {"title", status_title(status)},
                     {"status", status},
                     {"detail", detail}};
  if (!field.empty())
    doc["field"] = field;
  return dump(doc);
}

persistence::request_record
request_of(const command& cmd, const command_outcome& x,
           const std::string& todo_json, int64_t todo_seq,
           std::string fingerprint, int64_t now_ms) {
  auto status = status_of(x.code);
  std::string body = "null";
  if (is_rejection(x.code))
    body = problem(status, x.detail, x.field);
  else if (!todo_json.empty())
    body = todo_json;
  persistence::request_record rec{
    cmd.request_id,  state_of(x),         status,
    std::move(body), cmd.idempotency_key, std::move(fingerprint),
    now_ms};
  if (!todo_json.empty())
    rec.body_seq = todo_seq;
  return rec;
}

command_outcome outcome_of(const persistence::request_record& rec) {
  command_outcome x;
  x.request_id = rec.request_id;
  x.code = code_of(rec.status);
  x.replayed = true;
  auto doc = json::parse(rec.body, nullptr, false);
  if (!doc.is_object())
    return x;
  if (is_rejection(x.code)) {
    x.detail = doc.value("detail", "");
    x.field = doc.value("field", "");
  } else if (auto row = decode_row(rec.body)) {
    if (auto* p = std::get_if<domain::project>(&*row)) {
      x.todo_id = p->id;
      x.version = p->version;
      x.project = std::move(*p);
    } else {
      auto& t = std::get<domain::todo>(*row);
      x.todo_id = t.id;
      x.version = t.version;
      x.todo = std::move(t);
    }
  }
  return x;
}

std::string result_frame(const persistence::request_record& rec) {
  auto out = outcome_object(R"({"type":"result",)", rec, false);
  // A REST write's Idempotency-Key: its client recognises the result here
  // even before the HTTP answer. A command frame's key adds nothing to the
  // request id.
  const auto& key = rec.idempotency_key;
  if (!key.empty() && !is_frame_key(key)) {
    out.pop_back();
    out += R"(,"idempotency_key":)";
    out += json_string(key);
    out += '}';
  }
  return out;
}

std::string event_frame(const persistence::event_record& ev) {
  return R"({"type":"event","event":)" + ev.json + "}";
}

std::string reminder_frame(const domain::todo& t, size_t index,
                           int64_t scheduled_ms, const std::string& now) {
  return dump(json{{"type", "reminder"},
                   {"todo_id", t.id},
                   {"reminder", index},
                   {"title", t.title},
                   {"due", t.due.empty() ? json{} : json(t.due)},
                   {"scheduled", domain::format_rfc3339_ms(scheduled_ms)},
                   {"fired_at", now}});
}

std::string request_status_body(const persistence::request_record& rec) {
  return outcome_object("{", rec, true);
}

std::string pending_status_body(const std::string& request_id) {
  persistence::request_record rec;
  rec.request_id = request_id;
  rec.state = "pending";
  rec.body = "null";
  return request_status_body(rec);
}

} // namespace actodo::actors::records
