#include "actors/apply.hpp"

#include <algorithm>
#include <random>
#include <unordered_map>

#include "actors/apply_steps.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"
#include "actors/domain/validation.hpp"
#include "actors/record_codec.hpp"

namespace actodo::actors::steps {

void add_event(context& ctx, std::string_view type, std::string_view todo_id,
               std::string_view data_json) {
  records::envelope env{ctx.todos.user_id, ctx.cmd.request_id, ctx.now};
  auto seq = ++ctx.todos.last_seq;
  if (ctx.todo_seq == 0 && !ctx.todo_json.empty() && data_json == ctx.todo_json)
    ctx.todo_seq = seq;
  ctx.out.batch.events.push_back(
    records::make_event(env, seq, type, todo_id, data_json));
}

command_outcome rejected(const context& ctx, outcome_code code,
                         std::string detail, std::string field) {
  command_outcome x;
  x.request_id = ctx.cmd.request_id;
  x.code = code;
  x.todo_id = ctx.cmd.todo_id;
  x.detail = std::move(detail);
  x.field = std::move(field);
  return x;
}

command_outcome invalid(const context& ctx, std::string detail,
                        std::string field) {
  return rejected(ctx, outcome_code::invalid, std::move(detail),
                  std::move(field));
}

command_outcome done(context& ctx, outcome_code code, const domain::todo* t) {
  command_outcome x;
  x.request_id = ctx.cmd.request_id;
  x.code = code;
  x.todo_id = ctx.cmd.todo_id;
  if (t != nullptr) {
    x.todo_id = t->id;
    x.version = t->version;
    x.todo = *t;
    ctx.todo_json = records::encode_todo(*t);
  }
  return x;
}

domain::todo* target_of(context& ctx, command_outcome& why) {
  auto i = ctx.todos.by_id.find(ctx.cmd.todo_id);
  if (i == ctx.todos.by_id.end()) {
    why = rejected(ctx, outcome_code::not_found,
                   "no todo with id " + ctx.cmd.todo_id, "id");
    return nullptr;
  }
  auto if_match = ctx.cmd.if_match;
  if (if_match >= 0 && if_match != i->second.version) {
    why = rejected(ctx, outcome_code::version_mismatch,
                   "todo is at version " + std::to_string(i->second.version),
                   "If-Match");
    return nullptr;
  }
  return &i->second;
}

std::optional<domain::todo> link_successor(context& ctx, domain::todo& t,
                                           bool room) {
  auto& plan = ctx.plan;
  if (!plan.computed || !domain::needs_successor(t, ctx.now_ms))
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
  next.created_ms = next.updated_ms = ctx.now_ms;
  next.version = 1;
  next.completed = false;
  next.completed_ms.reset();
  t.recur->next_id = next.id;
  return next;
}

void insert_successor(context& ctx, domain::todo t) {
  auto text = records::encode_todo(t);
  add_event(ctx, "todo.created", t.id, text);
  ctx.out.batch.todos.push_back({t.id.str(), std::move(text)});
  ctx.todos.put(std::move(t));
}

command_outcome apply_write(context& ctx) {
  auto& cmd = ctx.cmd;
  auto create = cmd.op == command_op::create;
  auto mode = create ? domain::patch_mode::create : domain::patch_mode::update;
  domain::todo next;
  domain::todo* target = nullptr;
  if (create) {
    next.id = new_id("t_");
    next.created_ms = ctx.now_ms;
  } else {
    command_outcome why;
    target = target_of(ctx, why);
    if (target == nullptr)
      return why;
    next = *target;
  }
  auto kind = domain::apply_patch(cmd.patch, mode, ctx.now_ms, next);
  if (kind) {
    if (auto err = domain::check_schedule(next))
      return rejected(ctx, outcome_code::invalid, err->detail, err->field);
    if (auto why = place(ctx, target, next))
      return std::move(*why);
  }
  auto room = ctx.todos.by_id.size() + (create ? 1 : 0) < ctx.max_todos;
  auto successor = kind ? link_successor(ctx, next, room) : std::nullopt;
  auto r = done(ctx, create ? outcome_code::created : outcome_code::updated,
                &next);
  if (!kind)
    return r; // Nothing changed: no event.
  add_event(ctx, domain::event_type(*kind), next.id, ctx.todo_json);
  ctx.out.batch.todos.push_back({next.id.str(), ctx.todo_json});
  notify_if_ended(ctx, target, next);
  // An update keeps the todo as it was for what its subtasks follow; a
  // create hands the new todo over without a copy.
  auto before = target != nullptr ? std::optional<domain::todo>{*target}
                                  : std::nullopt;
  ctx.todos.put(before ? next : std::move(next));
  if (successor)
    insert_successor(ctx, std::move(*successor));
  if (before)
    cascade(ctx, *before, next);
  return r;
}

command_outcome apply_remove(context& ctx) {
  std::vector<std::string> ids;
  if (ctx.cmd.op == command_op::remove) {
    command_outcome why;
    if (target_of(ctx, why) == nullptr)
      return why;
    // A parent goes with its subtasks.
    ids = ctx.todos.descendants(ctx.cmd.todo_id);
    ids.insert(ids.begin(), ctx.cmd.todo_id);
  } else {
    for (auto& kvp : ctx.todos.by_id)
      ids.emplace_back(kvp.first);
    std::sort(ids.begin(), ids.end());
  }
  for (auto& id : ids) {
    add_event(ctx, "todo.deleted", id, records::deleted_data(id));
    ctx.out.batch.todos.push_back({id, std::string{}});
    ctx.todos.erase(id);
  }
  return done(ctx, outcome_code::deleted);
}

command_outcome apply_notice(context& ctx) {
  add_event(ctx, "webhook.disabled", ctx.cmd.todo_id, ctx.cmd.canonical_body);
  notify(ctx, "webhook.disabled", ctx.cmd.todo_id, "Webhook disabled",
         ctx.cmd.canonical_body);
  return done(ctx, outcome_code::updated);
}

} // namespace actodo::actors::steps

namespace actodo::actors {

namespace {

/// Wake times before the command, of every todo it may touch (a lookup,
/// not a scan: commands must stay O(1) in the number of todos).
std::unordered_map<std::string, int64_t> wakes_before(const user_todos& todos,
                                                      const command& cmd) {
  std::unordered_map<std::string, int64_t> before;
  if (cmd.op == command_op::clear || cmd.op == command_op::project_delete) {
    for (auto& [id, t] : todos.by_id)
      before.emplace(id, domain::wake_at(t));
  } else if (auto i = todos.by_id.find(cmd.todo_id); i != todos.by_id.end()) {
    before.emplace(i->first, domain::wake_at(i->second));
    // A change of a parent may change its subtasks.
    for (auto& id : todos.descendants(cmd.todo_id))
      if (auto j = todos.by_id.find(id); j != todos.by_id.end())
        before.emplace(id, domain::wake_at(j->second));
  }
  return before;
}

command_outcome dispatch(steps::context& ctx) {
  auto op = ctx.cmd.op;
  if (op == command_op::create && ctx.todos.by_id.size() >= ctx.max_todos)
    return steps::rejected(ctx, outcome_code::too_many,
                           "a user has at most " + std::to_string(ctx.max_todos)
                             + " todos",
                           "todos");
  switch (op) {
    case command_op::create:
    case command_op::update: return steps::apply_write(ctx);
    case command_op::snooze:
    case command_op::dismiss: return steps::apply_reminder(ctx);
    case command_op::wake: return steps::apply_wake(ctx);
    case command_op::remove:
    case command_op::clear: return steps::apply_remove(ctx);
    case command_op::webhook_disabled: return steps::apply_notice(ctx);
    case command_op::settings_update: return steps::apply_settings(ctx);
    case command_op::notifications_read: return steps::apply_read(ctx);
    case command_op::job_finished: return steps::apply_job_finished(ctx);
    case command_op::project_create:
    case command_op::project_update:
    case command_op::project_delete: return steps::apply_project(ctx);
  }
  return steps::rejected(ctx, outcome_code::invalid, "unknown operation", "op");
}

} // namespace

applied apply_command(user_todos& todos, const command& cmd, int64_t now_ms,
                      size_t max_todos, const successor_plan& plan) {
  auto now = domain::format_rfc3339_ms(now_ms);
  applied out;
  out.batch.user_id = todos.user_id;
  auto before = wakes_before(todos, cmd);
  steps::context ctx{todos, cmd, now, now_ms, max_todos, plan, out, {}, 0};
  auto r = dispatch(ctx);
  for (auto& rec : out.batch.todos) {
    auto i = todos.by_id.find(rec.id);
    rec.wake_at = rec.json.empty() || i == todos.by_id.end()
                    ? -1
                    : domain::wake_at(i->second);
    auto old = before.count(rec.id) > 0 ? before[rec.id] : int64_t{-1};
    if (old != rec.wake_at)
      out.wakes.push_back({rec.id, old, rec.wake_at});
  }
  // An invalid command changed nothing and leaves no request record: like
  // one refused at the edge, it is answered only to its sender (an HTTP
  // 400, an `error` frame), never pushed as a result.
  if (r.code == outcome_code::invalid) {
    r.request_id.clear();
    out.result = std::move(r);
    return out;
  }
  // Wakes and notices are internal: they leave no request record behind.
  if (!is_internal(cmd.op))
    out.batch.request = records::request_of(
      cmd, r, ctx.todo_json, ctx.todo_seq,
      cmd.idempotency_key.empty() ? std::string{} : command_fingerprint(cmd),
      now_ms);
  out.result = std::move(r);
  return out;
}

std::string command_fingerprint(const command& cmd) {
  return auth::sha256_hex(to_string(cmd.op) + " " + cmd.todo_id + " "
                          + std::to_string(cmd.if_match) + " "
                          + cmd.canonical_body);
}

bool same_command(const std::string& stored, const command& cmd) {
  if (stored.size() == 64 && stored == command_fingerprint(cmd))
    return true;
  // Outcomes stored before fingerprints were hashed keep the text.
  return stored
         == to_string(cmd.op) + " " + cmd.todo_id + " "
              + std::to_string(cmd.if_match) + " " + cmd.canonical_body;
}

std::optional<domain::todo>
successor_needed(const user_todos& todos, const command& cmd, int64_t now_ms) {
  if (cmd.op != command_op::update && cmd.op != command_op::wake)
    return std::nullopt;
  auto i = todos.by_id.find(cmd.todo_id);
  if (i == todos.by_id.end() || !i->second.recur)
    return std::nullopt;
  auto next = i->second;
  if (cmd.op == command_op::update)
    domain::apply_patch(cmd.patch, domain::patch_mode::update, now_ms, next);
  if (!domain::needs_successor(next, now_ms))
    return std::nullopt;
  return next;
}

std::string new_id(std::string_view prefix) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuv";
  // Ten digits of milliseconds first (ASCII order is time order, for 35,000
  // years), so new rows land at the end of the b-trees keyed by id instead
  // of on a random page; then 50 random bits.
  auto ms = static_cast<uint64_t>(domain::now_ms());
  std::string result{prefix};
  result.resize(prefix.size() + 20);
  auto* out = result.data() + prefix.size();
  for (int i = 9; i >= 0; --i, ms >>= 5)
    out[i] = digits[ms & 31];
  auto bits = engine();
  for (int i = 10; i < 20; ++i, bits >>= 5)
    out[i] = digits[bits & 31];
  return result;
}

} // namespace actodo::actors
