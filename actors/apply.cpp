#include "actors/apply.hpp"

#include <algorithm>
#include <random>
#include <unordered_map>
#include <variant>

#include <nlohmann/json.hpp>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/reminder_action.hpp"
#include "actors/domain/schedule.hpp"
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

/// Links `t` to its next occurrence (returned, ready to insert) or ends its
/// series, when it needs one and the plan was computed.
/// `room`: the user is below the todo cap; at the cap the series ends.
std::optional<domain::todo>
link_successor(domain::todo& t, const successor_plan& plan,
               const std::string& now, int64_t now_ms, bool room) {
  if (!plan.computed || !domain::needs_successor(t, now_ms))
    return std::nullopt;
  if (!plan.next || !room) {
    t.recur->ended = true;
    t.recur->end_reason = !room                     ? "max_todos"
                          : plan.end_reason.empty() ? "until"
                                                    : plan.end_reason;
    return std::nullopt;
  }
  auto next = *plan.next;
  next.id = new_id("t_");
  next.created_at = next.updated_at = now;
  next.version = 1;
  next.completed = false;
  next.completed_at.clear();
  t.recur->next_id = next.id;
  return next;
}

/// Records the next occurrence in `batch` and in `todos`.
void insert_successor(user_todos& todos, const command& cmd, domain::todo t,
                      const std::string& now, persistence::user_batch& batch) {
  auto doc = domain::to_json(t);
  batch.events.push_back(
    make_event(todos, cmd, "todo.created", t.id, doc, now));
  batch.todos.push_back({t.id, dump(doc)});
  auto id = t.id;
  todos.by_id.emplace(std::move(id), std::move(t));
}

/// Create and update; fills `batch` with the event and the new state.
reply apply_write(user_todos& todos, const command& cmd, const std::string& now,
                  int64_t now_ms, size_t max_todos, const successor_plan& plan,
                  persistence::user_batch& batch) {
  auto body = json::parse(cmd.body, nullptr, false);
  if (body.is_discarded())
    return rejected(cmd, 400, "the body is not valid JSON (UTF-8)");
  auto mode = cmd.op == command_op::create ? domain::patch_mode::create
                                           : domain::patch_mode::update;
  domain::todo_patch patch;
  if (auto err = domain::parse_patch(body, mode, patch))
    return rejected(cmd, 400, err->detail, err->field);
  domain::todo next;
  domain::todo* target = nullptr;
  if (cmd.op == command_op::create) {
    next.id = new_id("t_");
    next.created_at = now;
  } else {
    auto found = target_of(todos, cmd);
    if (auto r = std::get_if<reply>(&found))
      return std::move(*r);
    target = std::get<domain::todo*>(found);
    next = *target;
  }
  auto kind = domain::apply_patch(patch, mode, now, next);
  if (kind)
    if (auto err = domain::check_schedule(next))
      return rejected(cmd, 400, err->detail, err->field);
  auto room = todos.by_id.size() + (target == nullptr ? 1 : 0) < max_todos;
  auto successor = kind ? link_successor(next, plan, now, now_ms, room)
                        : std::nullopt;
  if (target != nullptr)
    *target = next;
  auto r = done(cmd, cmd.op == command_op::create ? 201 : 200);
  r.todo_id = next.id;
  r.version = next.version;
  auto doc = domain::to_json(next);
  r.body = dump(doc);
  if (!kind)
    return r; // Nothing changed: no event.
  batch.events.push_back(
    make_event(todos, cmd, domain::event_type(*kind), next.id, doc, now));
  batch.todos.push_back({next.id, r.body});
  if (cmd.op == command_op::create)
    todos.by_id.emplace(next.id, std::move(next));
  if (successor)
    insert_successor(todos, cmd, std::move(*successor), now, batch);
  return r;
}

/// The `{"type":"reminder",...}` frame of reminder `n` of `t`.
std::string reminder_frame(const domain::todo& t, size_t n, int64_t scheduled,
                           const std::string& now) {
  return dump(json{{"type", "reminder"},
                   {"todo_id", t.id},
                   {"reminder", n},
                   {"title", t.title},
                   {"due", t.due.empty() ? json{} : json{t.due}},
                   {"scheduled", domain::format_rfc3339_ms(scheduled)},
                   {"fired_at", now}});
}

/// Records a reminder event: `todo.reminder.due` and the like.
void reminder_event(user_todos& todos, const command& cmd,
                    std::string_view type, const domain::todo& t, size_t n,
                    json extra, const std::string& now,
                    persistence::user_batch& batch) {
  extra["todo"] = domain::to_json(t);
  extra["reminder"] = n;
  batch.events.push_back(
    make_event(todos, cmd, type, t.id, std::move(extra), now));
}

/// Fires what is due on the todo; links a passed occurrence.
reply apply_wake(user_todos& todos, const command& cmd, const std::string& now,
                 int64_t now_ms, size_t max_todos, const successor_plan& plan,
                 outcome& out) {
  auto i = todos.by_id.find(cmd.todo_id);
  if (i == todos.by_id.end())
    return done(cmd, 204); // Deleted meanwhile.
  auto next = i->second;
  struct firing {
    size_t index;
    int64_t scheduled;
    bool skipped;
  };
  std::vector<firing> firings;
  for (size_t n = 0; n < next.reminders.size() && !next.completed; ++n) {
    auto& r = next.reminders[n];
    auto at = domain::reminder_instant(next, r);
    if (!at || *at > now_ms)
      continue;
    auto skip = r.misfire == domain::misfire_policy::skip
                && now_ms - *at > domain::misfire_grace_ms;
    r.state = skip ? domain::reminder_state::skipped
                   : domain::reminder_state::fired;
    r.snoozed_until = 0;
    if (!skip)
      r.fired_at = now;
    firings.push_back({n, *at, skip});
  }
  auto successor = link_successor(next, plan, now, now_ms,
                                  todos.by_id.size() < max_todos);
  if (firings.empty() && next == i->second)
    return done(cmd, 204); // Nothing due (the entry was stale).
  next.version += 1;
  next.updated_at = now;
  i->second = next;
  auto doc = dump(domain::to_json(next));
  for (auto& f : firings) {
    auto scheduled = domain::format_rfc3339_ms(f.scheduled);
    reminder_event(todos, cmd,
                   f.skipped ? "todo.reminder.skipped" : "todo.reminder.due",
                   next, f.index, json{{"scheduled", scheduled}}, now,
                   out.batch);
    if (!f.skipped) {
      out.reminder_frames.push_back(
        reminder_frame(next, f.index, f.scheduled, now));
      out.fired.push_back(f.scheduled);
    }
  }
  if (firings.empty())
    out.batch.events.push_back(make_event(todos, cmd, "todo.updated", next.id,
                                          domain::to_json(next), now));
  out.batch.todos.push_back({next.id, doc});
  if (successor)
    insert_successor(todos, cmd, std::move(*successor), now, out.batch);
  auto r = done(cmd, 200);
  r.todo_id = next.id;
  r.version = next.version;
  r.body = std::move(doc);
  return r;
}

/// Snooze and dismiss.
reply apply_reminder(user_todos& todos, const command& cmd,
                     const std::string& now, int64_t now_ms,
                     persistence::user_batch& batch) {
  auto body = json::parse(cmd.body, nullptr, false);
  domain::reminder_action action;
  auto snooze = cmd.op == command_op::snooze;
  if (auto err = domain::parse_reminder_action(body, snooze, now_ms, action))
    return rejected(cmd, 400, err->detail, err->field);
  auto found = target_of(todos, cmd);
  if (auto r = std::get_if<reply>(&found))
    return std::move(*r);
  auto next = *std::get<domain::todo*>(found);
  auto index = action.index;
  if (index >= next.reminders.size())
    return rejected(cmd, 404,
                    "the todo has no reminder " + std::to_string(index),
                    "reminder");
  auto& r = next.reminders[index];
  json extra = json::object();
  if (snooze) {
    r.state = domain::reminder_state::pending;
    r.snoozed_until = action.until_ms;
    extra["until"] = domain::format_rfc3339_ms(action.until_ms);
  } else {
    r.state = domain::reminder_state::dismissed;
    r.snoozed_until = 0;
  }
  next.version += 1;
  next.updated_at = now;
  auto& stored = todos.by_id[next.id];
  stored = next;
  reminder_event(todos, cmd,
                 cmd.op == command_op::snooze ? "todo.reminder.snoozed"
                                              : "todo.reminder.dismissed",
                 stored, index, std::move(extra), now, batch);
  auto res = done(cmd, 200);
  res.todo_id = stored.id;
  res.version = stored.version;
  res.body = dump(domain::to_json(stored));
  batch.todos.push_back({stored.id, res.body});
  return res;
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

std::optional<domain::todo>
successor_needed(const user_todos& todos, const command& cmd, int64_t now_ms) {
  if (cmd.op != command_op::update && cmd.op != command_op::wake)
    return std::nullopt;
  auto i = todos.by_id.find(cmd.todo_id);
  if (i == todos.by_id.end() || !i->second.recur)
    return std::nullopt;
  auto next = i->second;
  if (cmd.op == command_op::update) {
    auto body = json::parse(cmd.body, nullptr, false);
    domain::todo_patch patch;
    if (body.is_discarded()
        || domain::parse_patch(body, domain::patch_mode::update, patch))
      return std::nullopt;
    domain::apply_patch(patch, domain::patch_mode::update,
                        domain::format_rfc3339_ms(now_ms), next);
  }
  if (!domain::needs_successor(next, now_ms))
    return std::nullopt;
  return next;
}

outcome apply_command(user_todos& todos, const command& cmd, int64_t now_ms,
                      size_t max_todos, const successor_plan& plan) {
  auto now = domain::format_rfc3339_ms(now_ms);
  outcome out;
  auto& batch = out.batch;
  batch.user_id = todos.user_id;
  // Wake times before the command, of every todo it may touch (a lookup,
  // not a scan: commands must stay O(1) in the number of todos).
  std::unordered_map<std::string, int64_t> before;
  if (cmd.op == command_op::clear) {
    for (auto& [id, t] : todos.by_id)
      before.emplace(id, domain::wake_at(t));
  } else if (auto i = todos.by_id.find(cmd.todo_id); i != todos.by_id.end()) {
    before.emplace(i->first, domain::wake_at(i->second));
  }
  auto full = cmd.op == command_op::create && todos.by_id.size() >= max_todos;
  reply r;
  if (full)
    r = rejected(cmd, 409,
                 "a user has at most " + std::to_string(max_todos) + " todos",
                 "todos");
  else if (cmd.op == command_op::create || cmd.op == command_op::update)
    r = apply_write(todos, cmd, now, now_ms, max_todos, plan, batch);
  else if (cmd.op == command_op::snooze || cmd.op == command_op::dismiss)
    r = apply_reminder(todos, cmd, now, now_ms, batch);
  else if (cmd.op == command_op::wake)
    r = apply_wake(todos, cmd, now, now_ms, max_todos, plan, out);
  else
    r = apply_remove(todos, cmd, now, batch);
  for (auto& rec : batch.todos) {
    auto i = todos.by_id.find(rec.id);
    rec.wake_at = rec.json.empty() || i == todos.by_id.end()
                    ? -1
                    : domain::wake_at(i->second);
    auto old = before.count(rec.id) > 0 ? before[rec.id] : int64_t{-1};
    if (old != rec.wake_at)
      out.wakes.push_back({rec.id, old, rec.wake_at});
  }
  // A command that fails validation (400) changed nothing and leaves no
  // request record: like one refused at the edge, it is answered only to
  // its sender (an HTTP 400, an `error` frame), never pushed as a result.
  if (r.status == 400) {
    r.request_id.clear();
    r.state.clear();
    out.result = std::move(r);
    return out;
  }
  // Wakes are internal: they leave no request record behind.
  if (cmd.op != command_op::wake)
    batch.request = persistence::request_record{cmd.request_id,
                                                r.state,
                                                r.status,
                                                r.body.empty() ? "null"
                                                               : r.body,
                                                cmd.idempotency_key,
                                                command_fingerprint(cmd),
                                                now_ms};
  out.result = std::move(r);
  return out;
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
