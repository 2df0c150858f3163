#include <algorithm>

#include "actors/domain/schedule.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::actors::domain {

namespace {

/// Copies every given member of `p` into `t`.
void assign(const todo_patch& p, todo& t) {
  if (p.title)
    t.title = *p.title;
  if (p.notes)
    t.notes = *p.notes;
  if (p.completed)
    t.completed = *p.completed;
  if (p.prio)
    t.prio = *p.prio;
  if (p.tags)
    t.tags.assign(p.tags->begin(), p.tags->end());
  if (p.due)
    t.due = *p.due;
  if (p.order)
    t.order = *p.order;
  if (p.time_zone)
    t.time_zone = *p.time_zone;
  if (p.reminders) {
    // Re-sending a reminder keeps its state: nothing fires twice.
    std::vector<reminder> next;
    for (auto r : *p.reminders) {
      auto same = std::find_if(
        t.reminders.begin(), t.reminders.end(), [&r](const reminder& x) {
          return x.at == r.at && x.offset_ms == r.offset_ms;
        });
      if (same != t.reminders.end()) {
        auto misfire = r.misfire;
        r = *same;
        r.misfire = misfire;
      }
      next.push_back(std::move(r));
    }
    t.reminders = std::move(next);
  }
  if (p.recurrence) {
    if (*p.recurrence)
      set_recurrence(**p.recurrence, t);
    else
      t.recur.reset();
  }
  if (p.project_id)
    t.project_id = *p.project_id;
  if (p.parent_id)
    t.parent_id = *p.parent_id;
  if (p.archived)
    t.archived = *p.archived;
}

/// Resets all client-writable members to their defaults.
void reset_writable(todo& t) {
  todo defaults;
  t.title = defaults.title;
  t.notes = defaults.notes;
  t.completed = defaults.completed;
  t.prio = defaults.prio;
  t.tags = defaults.tags;
  t.due = defaults.due;
  t.order = defaults.order;
  t.time_zone = defaults.time_zone;
  t.reminders = defaults.reminders;
  t.recur = defaults.recur;
  t.project_id = defaults.project_id;
  t.parent_id = defaults.parent_id;
  // `archived` is state, like `completed_at`: a replacement keeps it.
}

} // namespace

std::optional<change_kind> apply_patch(const todo_patch& p, patch_mode mode,
                                       int64_t now_ms, todo& t) {
  auto next = t;
  if (mode == patch_mode::replace)
    reset_writable(next);
  assign(p, next);
  // (A new todo's reminders are as given: an import keeps their state.)
  if (mode != patch_mode::create && next.due != t.due)
    for (auto& r : next.reminders)
      if (r.at.empty() && r.state != reminder_state::dismissed)
        rearm(r); // Relative reminders follow a moved due date.
  auto kind = change_kind::updated;
  if (mode == patch_mode::create) {
    kind = change_kind::created;
    next.version = 1;
    next.completed_ms = next.completed ? std::optional{now_ms} : std::nullopt;
  } else {
    if (next == t)
      return std::nullopt;
    if (next.completed != t.completed) {
      kind = next.completed ? change_kind::completed : change_kind::reopened;
      next.completed_ms = next.completed ? std::optional{now_ms} : std::nullopt;
    } else if (next.archived != t.archived) {
      kind = next.archived ? change_kind::archived : change_kind::unarchived;
    }
    next.version = t.version + 1;
  }
  next.updated_ms = now_ms;
  t = std::move(next);
  return kind;
}

std::string_view event_type(change_kind x) {
  switch (x) {
    case change_kind::created: return "todo.created";
    case change_kind::updated: return "todo.updated";
    case change_kind::completed: return "todo.completed";
    case change_kind::reopened: return "todo.reopened";
    case change_kind::archived: return "todo.archived";
    case change_kind::unarchived: return "todo.unarchived";
  }
  return "todo.updated";
}

} // namespace actodo::actors::domain
