// Reminder commands: the scheduler's wake, snooze and dismiss.
#include "actors/apply_steps.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"
#include "actors/record_codec.hpp"

namespace actodo::actors::steps {

namespace {

/// A reminder that came due during a wake.
struct firing {
  size_t index;
  int64_t scheduled;
  bool skipped;
};

/// Marks every due reminder of `t` fired or skipped (misfire policy).
std::vector<firing> fire_due(domain::todo& t, const context& ctx) {
  std::vector<firing> firings;
  for (size_t n = 0; n < t.reminders.size() && !t.completed; ++n) {
    auto& r = t.reminders[n];
    auto at = domain::reminder_instant(t, r);
    if (!at || *at > ctx.now_ms)
      continue;
    auto skip = r.misfire == domain::misfire_policy::skip
                && ctx.now_ms - *at > domain::misfire_grace_ms;
    r.state = skip ? domain::reminder_state::skipped
                   : domain::reminder_state::fired;
    r.snoozed_until = 0;
    if (!skip)
      r.fired_at = ctx.now;
    firings.push_back({n, *at, skip});
  }
  return firings;
}

} // namespace

command_outcome apply_wake(context& ctx) {
  auto i = ctx.todos.by_id.find(ctx.cmd.todo_id);
  if (i == ctx.todos.by_id.end())
    return done(ctx, outcome_code::unchanged); // Deleted meanwhile.
  auto before = i->second;
  auto next = before;
  auto firings = fire_due(next, ctx);
  auto successor = link_successor(ctx, next,
                                  ctx.todos.by_id.size() < ctx.max_todos);
  if (firings.empty() && next == i->second)
    return done(ctx, outcome_code::unchanged); // The entry was stale.
  next.version += 1;
  next.updated_ms = ctx.now_ms;
  ctx.todos.put(next);
  auto r = done(ctx, outcome_code::updated, &next);
  for (auto& f : firings) {
    auto scheduled = domain::format_rfc3339_ms(f.scheduled);
    add_event(
      ctx, f.skipped ? "todo.reminder.skipped" : "todo.reminder.due", next.id,
      records::reminder_data(ctx.todo_json, f.index, "scheduled", scheduled));
    if (!f.skipped) {
      notify_reminder(ctx, next, f.index, scheduled);
      ctx.out.reminder_frames.push_back(
        records::reminder_frame(next, f.index, f.scheduled, ctx.now));
      ctx.out.fired.push_back(f.scheduled);
    }
  }
  if (firings.empty())
    add_event(ctx, "todo.updated", next.id, ctx.todo_json);
  notify_if_ended(ctx, &before, next);
  ctx.out.batch.todos.push_back({next.id.str(), ctx.todo_json});
  if (successor)
    insert_successor(ctx, std::move(*successor));
  return r;
}

command_outcome apply_reminder(context& ctx) {
  auto snooze = ctx.cmd.op == command_op::snooze;
  command_outcome why;
  auto target = target_of(ctx, why);
  if (target == nullptr)
    return why;
  auto next = *target;
  auto index = ctx.cmd.action.index;
  if (index >= next.reminders.size())
    return rejected(ctx, outcome_code::not_found,
                    "the todo has no reminder " + std::to_string(index),
                    "reminder");
  auto& r = next.reminders[index];
  std::string until;
  if (snooze) {
    r.state = domain::reminder_state::pending;
    r.snoozed_until = ctx.cmd.action.until_ms;
    until = domain::format_rfc3339_ms(ctx.cmd.action.until_ms);
  } else {
    r.state = domain::reminder_state::dismissed;
    r.snoozed_until = 0;
  }
  next.version += 1;
  next.updated_ms = ctx.now_ms;
  ctx.todos.put(next); // `target` still points at it: same id, same parent
  auto res = done(ctx, outcome_code::updated, target);
  add_event(ctx, snooze ? "todo.reminder.snoozed" : "todo.reminder.dismissed",
            next.id,
            snooze
              ? records::reminder_data(ctx.todo_json, index, "until", until)
              : records::reminder_data(ctx.todo_json, index));
  ctx.out.batch.todos.push_back({next.id.str(), ctx.todo_json});
  return res;
}

} // namespace actodo::actors::steps
