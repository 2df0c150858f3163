#pragma once

// The pieces `apply_command` is made of (apply.cpp: writes and removals;
// apply_reminders.cpp: wakes, snoozes and dismissals).

#include <string>
#include <string_view>

#include "actors/apply.hpp"

namespace actodo::actors::steps {

/// The time and encoding context of one command.
struct context {
  user_todos& todos;
  const command& cmd;
  /// RFC 3339 ms UTC and the same instant in ms.
  const std::string& now;
  int64_t now_ms;
  size_t max_todos;
  const successor_plan& plan;
  applied& out;
  /// The encoded todo of the outcome (the request record's body).
  std::string todo_json;
  /// Sequence number of the event whose data is `todo_json` (0: none); the
  /// stored request outcome refers to it instead of keeping a copy.
  int64_t todo_seq = 0;
};

/// Appends an event with the next sequence number to the batch.
void add_event(context& ctx, std::string_view type, std::string_view todo_id,
               std::string_view data_json);

/// A refusal of `ctx.cmd`.
command_outcome rejected(const context& ctx, outcome_code code,
                         std::string detail, std::string field = {});

/// A refusal of `ctx.cmd` as `invalid` (400 naming `field`).
command_outcome invalid(const context& ctx, std::string detail,
                        std::string field);

/// A success of `ctx.cmd` leaving `t` behind (null: nothing to show).
command_outcome done(context& ctx, outcome_code code,
                     const domain::todo* t = nullptr);

/// The todo an update, removal or reminder action targets; null with
/// `why` set when the command is refused.
domain::todo* target_of(context& ctx, command_outcome& why);

/// Links `t` to its next occurrence (returned, ready to insert) or ends its
/// series, when it needs one and the plan was computed.
/// `room`: the user is below the todo cap; at the cap the series ends.
std::optional<domain::todo> link_successor(context& ctx, domain::todo& t,
                                           bool room);

/// Records the next occurrence in the batch and in the todos.
void insert_successor(context& ctx, domain::todo t);

/// Checks where `next` goes (its project, its parent: depth, cycles, the
/// parent's project) and fills in what follows (a subtask's project, the
/// project an import names, created when missing); `before` is the todo
/// before the command (null: a create). A refusal when it cannot go there.
std::optional<command_outcome> place(context& ctx, const domain::todo* before,
                                     domain::todo& next);

/// What a change of `t` (from `before`) does to its subtasks in the same
/// command: a completion completes the open ones, archiving archives them
/// (and back), a new project moves them along.
void cascade(context& ctx, const domain::todo& before, const domain::todo& t);

/// A project's outcome, like `done` for a todo.
command_outcome done(context& ctx, outcome_code code, const domain::project& p);

/// Records a new or changed project in the batch (event `type`).
void put_project(context& ctx, std::string_view type, domain::project p);

command_outcome apply_write(context& ctx);
command_outcome apply_remove(context& ctx);

/// A `webhook.disabled` event (`command_op::webhook_disabled`); no todo
/// changes.
command_outcome apply_notice(context& ctx);
command_outcome apply_wake(context& ctx);
command_outcome apply_reminder(context& ctx);
command_outcome apply_project(context& ctx);
/// Sets the user's time zone (`user.updated`).
command_outcome apply_settings(context& ctx);

/// Leaves a notification for the person about the event just added (its
/// sequence number is the notification's id); the oldest beyond
/// `max_notifications` go.
void notify(context& ctx, std::string kind, std::string subject,
            std::string title, std::string data);
/// A reminder of `t` fired.
void notify_reminder(context& ctx, const domain::todo& t, size_t index,
                     const std::string& scheduled);
/// `t`'s series ended in this command (`before`: the todo before it, null
/// when new).
void notify_if_ended(context& ctx, const domain::todo* before,
                     const domain::todo& t);
/// Marks notifications read up to `cmd.action.until_ms`
/// (`notifications.read`).
command_outcome apply_read(context& ctx);
/// An import job finished (`job.finished` and a notification).
command_outcome apply_job_finished(context& ctx);

} // namespace actodo::actors::steps
