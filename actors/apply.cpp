#include "actors/apply.hpp"

#include <algorithm>
#include <random>
#include <variant>

#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "actors/domain/validation.hpp"
#include "actors/problem.hpp"

namespace actodo::actors {

namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Builds the CloudEvents 1.0 envelope of one change.
persistence::event_record
make_event(user_todos& todos, const command& cmd, std::string_view type,
           const std::string& todo_id, json data, const std::string& time) {
  auto seq = ++todos.last_seq;
  json ev{{"specversion", "1.0"},
          {"id", todos.user_id + "-" + std::to_string(seq)},
          {"source", "/actodo/users/" + todos.user_id},
          {"type", type},
          {"subject", todo_id},
          {"time", time},
          {"datacontenttype", "application/json"},
          {"requestid", cmd.request_id},
          {"sequence", seq},
          {"data", std::move(data)}};
  return {seq, std::string{type}, todo_id, dump(ev)};
}

reply rejected(const command& cmd, int status, std::string_view detail,
               std::string_view field = {}) {
  reply r;
  r.status = status;
  r.body = make_problem(status, detail, field);
  r.request_id = cmd.request_id;
  r.state = "failed";
  r.todo_id = cmd.todo_id;
  return r;
}

/// The todo an update or delete targets, or why the command is rejected.
std::variant<domain::todo*, reply> target_of(user_todos& todos,
                                             const command& cmd) {
  auto i = todos.by_id.find(cmd.todo_id);
  if (i == todos.by_id.end())
    return rejected(cmd, 404, "no todo with id " + cmd.todo_id, "id");
  if (cmd.if_match >= 0 && cmd.if_match != i->second.version)
    return rejected(cmd, 412,
                    "todo is at version " + std::to_string(i->second.version),
                    "If-Match");
  return &i->second;
}

reply done(const command& cmd, int status) {
  reply r;
  r.status = status;
  r.request_id = cmd.request_id;
  r.state = "done";
  r.todo_id = cmd.todo_id;
  return r;
}

/// Create and update; fills `batch` with the event and the new state.
reply apply_write(user_todos& todos, const command& cmd, const std::string& now,
                  persistence::user_batch& batch) {
  auto body = json::parse(cmd.body, nullptr, false);
  if (body.is_discarded())
    return rejected(cmd, 400, "the body is not valid JSON (UTF-8)");
  auto mode = cmd.op == command_op::create ? domain::patch_mode::create
                                           : domain::patch_mode::update;
  domain::todo_patch patch;
  if (auto err = domain::parse_patch(body, mode, patch))
    return rejected(cmd, 400, err->detail, err->field);
  domain::todo created;
  domain::todo* target = &created;
  if (cmd.op == command_op::create) {
    created.id = new_id("t_");
    created.created_at = now;
  } else {
    auto found = target_of(todos, cmd);
    if (auto r = std::get_if<reply>(&found))
      return std::move(*r);
    target = std::get<domain::todo*>(found);
  }
  auto kind = domain::apply_patch(patch, mode, now, *target);
  auto r = done(cmd, cmd.op == command_op::create ? 201 : 200);
  r.todo_id = target->id;
  r.version = target->version;
  auto doc = domain::to_json(*target);
  r.body = dump(doc);
  if (!kind)
    return r; // Nothing changed: no event.
  batch.events.push_back(
    make_event(todos, cmd, domain::event_type(*kind), target->id, doc, now));
  batch.todos.push_back({target->id, r.body});
  if (cmd.op == command_op::create)
    todos.by_id.emplace(created.id, std::move(created));
  return r;
}

/// Delete one or all; fills `batch` with a `todo.deleted` event per todo.
reply apply_remove(user_todos& todos, const command& cmd,
                   const std::string& now, persistence::user_batch& batch) {
  std::vector<std::string> ids;
  if (cmd.op == command_op::remove) {
    auto found = target_of(todos, cmd);
    if (auto r = std::get_if<reply>(&found))
      return std::move(*r);
    ids.push_back(cmd.todo_id);
  } else {
    for (auto& kvp : todos.by_id)
      ids.push_back(kvp.first);
    std::sort(ids.begin(), ids.end());
  }
  for (auto& id : ids) {
    batch.events.push_back(
      make_event(todos, cmd, "todo.deleted", id, json{{"id", id}}, now));
    batch.todos.push_back({id, std::string{}});
    todos.by_id.erase(id);
  }
  return done(cmd, 204);
}

} // namespace

std::string command_fingerprint(const command& cmd) {
  // Canonical JSON (nlohmann sorts keys) so that formatting does not matter.
  std::string body;
  try {
    body = cmd.body.empty() ? "" : dump(json::parse(cmd.body));
  } catch (const json::exception&) {
    body = cmd.body;
  }
  return to_string(cmd.op) + " " + cmd.todo_id + " "
         + std::to_string(cmd.if_match) + " " + body;
}

outcome apply_command(user_todos& todos, const command& cmd, int64_t now_ms,
                      size_t max_todos) {
  auto now = domain::format_rfc3339_ms(now_ms);
  persistence::user_batch batch;
  batch.user_id = todos.user_id;
  auto full = cmd.op == command_op::create && todos.by_id.size() >= max_todos;
  auto r = full ? rejected(cmd, 409,
                           "a user has at most " + std::to_string(max_todos)
                             + " todos")
           : cmd.op == command_op::create || cmd.op == command_op::update
             ? apply_write(todos, cmd, now, batch)
             : apply_remove(todos, cmd, now, batch);
  batch.request = persistence::request_record{cmd.request_id,
                                              r.state,
                                              r.status,
                                              r.body.empty() ? "null" : r.body,
                                              cmd.idempotency_key,
                                              command_fingerprint(cmd),
                                              now_ms};
  return {std::move(r), std::move(batch)};
}

std::string new_id(std::string_view prefix) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuv";
  std::string result{prefix};
  auto hi = engine();
  auto lo = engine();
  for (int i = 0; i < 12; ++i, hi >>= 5)
    result += digits[hi & 31];
  for (int i = 0; i < 8; ++i, lo >>= 5)
    result += digits[lo & 31];
  return result;
}

std::string result_frame(const reply& r) {
  std::string frame = R"({"type":"result","request_id":)";
  frame += dump(r.request_id);
  frame += R"(,"status":)";
  frame += std::to_string(r.status);
  frame += R"(,"body":)";
  frame += r.body.empty() ? "null" : r.body;
  frame += '}';
  return frame;
}

std::string event_frame(const std::string& cloud_event_json) {
  return R"({"type":"event","event":)" + cloud_event_json + "}";
}

std::string request_status_body(const persistence::request_record& r) {
  std::string body = R"({"request_id":)";
  body += dump(r.request_id);
  body += R"(,"state":)";
  body += dump(r.state);
  body += R"(,"status":)";
  body += std::to_string(r.status);
  body += R"(,"body":)";
  body += r.body.empty() ? "null" : r.body;
  body += '}';
  return body;
}

} // namespace actodo::actors
