#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/meta/load_callback.hpp"
#include "caf/meta/type_name.hpp"

#include "actors/domain/notification.hpp"
#include "actors/domain/project.hpp"
#include "actors/domain/reminder_action.hpp"
#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"
#include "actors/wire_inspect.hpp"

namespace actodo::actors {

/// What a command does to a user's todos.
enum class command_op : uint8_t {
  create,
  update,
  /// Removes one todo.
  remove,
  /// Removes every todo of the user (Todo-Backend `DELETE /todos`).
  clear,
  /// Snoozes one reminder (`action.index`, `action.until_ms`).
  snooze,
  /// Dismisses one reminder (`action.index`).
  dismiss,
  /// Fires what is due on a todo and creates the next occurrence of a
  /// passed `from_due` series. Internal: the `todo_list` makes it from the
  /// scheduler's `wake` message; no edge accepts it.
  wake,
  /// Sets the user's time zone (`patch.time_zone`; empty: UTC).
  settings_update,
  /// Marks the user's notifications up to `action.until_ms` (an id) read.
  notifications_read,
  /// Records that an import job finished (`job.finished`, a notification):
  /// `todo_id` is the job's id, `canonical_body` the event's data as JSON
  /// (`state` `done` or `failed`). Internal: only the jobs actor makes it.
  job_finished,
  /// Records that a webhook was disabled (`webhook.disabled`): `todo_id`
  /// is the webhook's id, `canonical_body` the event's data as JSON.
  /// Internal: only the webhooks actor makes it; no edge accepts it.
  webhook_disabled,
  /// Creates a project (`project`).
  project_create,
  /// Changes the project `todo_id` names (`project`).
  project_update,
  /// Deletes the project `todo_id` names; its todos go to the project
  /// `move_to`, or with it when `move_to` is empty.
  project_delete,
};

std::string to_string(command_op x);

/// Whether only the server makes `x` (no edge accepts it): such commands
/// leave no request record and push no result frame.
constexpr bool is_internal(command_op x) {
  return x == command_op::wake || x == command_op::webhook_disabled
         || x == command_op::job_finished;
}

/// A write, decoded and checked for shape by the edge that received it
/// (web, a WebSocket frame, Kafka). The `todo_list` never sees JSON: it
/// applies `patch` or `action` to its typed state.
struct command {
  std::string user_id;
  std::string request_id;
  command_op op = command_op::create;
  /// The target todo for everything but `create` and `clear`; the target
  /// project of `project_update` and `project_delete`.
  std::string todo_id;
  /// The fields to set (`create`, `update`).
  domain::todo_patch patch;
  /// The reminder to snooze or dismiss.
  domain::reminder_action action;
  /// The fields of a project to set (`project_create`, `project_update`).
  domain::project_patch project;
  /// `project_delete`: where the project's todos go (empty: deleted too).
  std::string move_to;
  /// Expected version (`If-Match`); -1 when not given.
  int64_t if_match = -1;
  /// `Idempotency-Key`, empty when not given.
  std::string idempotency_key;
  /// The sender guarantees that no earlier command carried
  /// `idempotency_key` (an import batch's first attempt): the list records
  /// the key with the outcome but does not look it up first. Internal: no
  /// edge sets it.
  bool fresh_key = false;
  /// The body in canonical form as the edge decoded it: the fingerprint an
  /// `Idempotency-Key` is bound to, and what a Kafka gateway forwards.
  /// Opaque to the actors.
  std::string canonical_body;
};

/// How a command ended. The edges map a code to an HTTP status, a problem
/// document, an `error` frame or a Kafka result.
enum class outcome_code : uint8_t {
  /// Durable in the command log (Kafka), not applied yet.
  accepted,
  created,
  updated,
  /// Removed (one todo or all of them).
  deleted,
  /// A reminder wake that found nothing due (internal only).
  unchanged,
  /// The command contradicts the todo it applies to (`field`, `detail`).
  invalid,
  not_found,
  /// `If-Match` names another version.
  version_mismatch,
  /// The user is at `max_todos`.
  too_many,
  /// A command with this request id is being applied right now.
  in_progress,
  /// The `Idempotency-Key` was used for another command.
  key_reused,
};

std::string to_string(outcome_code x);

/// Whether `x` is a refusal (`invalid` and worse) rather than a change.
constexpr bool is_rejection(outcome_code x) {
  return x >= outcome_code::invalid;
}

/// The typed answer to a command.
struct command_outcome {
  /// Empty when the command was refused before it was applied (`invalid`,
  /// `in_progress`, `key_reused`): no request record exists.
  std::string request_id;
  outcome_code code = outcome_code::created;
  std::string todo_id;
  /// The version of `todo`; 0 when none.
  int64_t version = 0;
  /// The todo as the command left it (create, update, reminder actions).
  std::optional<domain::todo> todo;
  /// The project as a project command left it (create, update).
  std::optional<domain::project> project;
  /// For rejections: the offending field (may be empty) and why.
  std::string field;
  std::string detail;
  /// The stored outcome of an earlier command with the same idempotency
  /// key: nothing was applied and nothing was pushed to the sessions.
  bool replayed = false;
};

/// `pending` (not durable yet), `done` or `failed`.
inline const char* state_of(const command_outcome& x) {
  return x.code == outcome_code::accepted ? "pending"
         : is_rejection(x.code)           ? "failed"
                                          : "done";
}

/// An encoded frame for many sessions: encoded once, shared by reference
/// (sending it to N sessions copies a pointer, not the text). Serialized
/// as its text when it crosses the network.
struct shared_frame {
  std::shared_ptr<const std::string> text;
  /// The event sequence number of an event frame (0: other frames), so a
  /// session that subscribes again (the user moved to another node) drops
  /// what it has already sent.
  int64_t seq = 0;

  shared_frame() = default;
  explicit shared_frame(std::string str, int64_t event_seq = 0)
    : text(std::make_shared<const std::string>(std::move(str))),
      seq(event_seq) {}
};

/// One page of a user's todos (`GET /api/v1/todos`).
struct todo_page {
  std::vector<domain::todo> items;
  /// Where the next page starts (the edge renders it as a cursor); nullopt
  /// on the last page.
  std::optional<domain::sort_values> next;
};

/// What a user's `todo_list` keeps besides the todos: the user's time zone
/// and projects.
struct user_profile {
  /// IANA zone relative dates resolve in (`PATCH /api/v1/me`); empty: UTC.
  std::string time_zone;
  /// The Inbox first, then by `order` and name.
  std::vector<domain::project> projects;
};

/// The user's notifications, newest first (`GET /api/v1/notifications`).
struct notification_page {
  std::vector<domain::notification> items;
  /// Those with an id above `read_up_to` are unread.
  int64_t read_up_to = 0;
  int64_t unread = 0;
};

/// Upcoming due instants of a series, as its todos would have them.
struct occurrence_list {
  std::vector<std::string> dues;
};

/// A reminder of a resident list that has yet to fire.
struct pending_reminder {
  std::string todo_id;
  size_t index = 0;
  int64_t at_ms = 0;
};

/// What the inspector shows of one user's `todo_list`.
struct list_summary {
  std::string user;
  /// False: not in memory (every other member is zero).
  bool resident = false;
  size_t todos = 0;
  size_t open = 0;
  int64_t last_sequence = 0;
  int64_t committed_sequence = 0;
  size_t sessions = 0;
  size_t pending_commands = 0;
  uint64_t handled_messages = 0;
  /// In firing order.
  std::vector<pending_reminder> pending_reminders;
};

/// A wake the reminder scheduler has planned.
struct planned_wake {
  int64_t at_ms = 0;
  std::string user;
  std::string todo;
  /// Passed while nobody could fire it (served at the catch-up rate).
  bool missed = false;
};

/// The reminder scheduler's state, for the inspector.
struct scheduler_summary {
  int64_t pending = 0;
  size_t catchup_rate_per_s = 0;
  size_t in_memory = 0;
  size_t backlog = 0;
  size_t in_flight = 0;
  uint64_t wakes_sent = 0;
  int64_t fired = 0;
  bool whole_index_in_memory = false;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, command& x) {
  return f(caf::meta::type_name("command"), x.user_id, x.request_id, x.op,
           x.todo_id, x.patch, x.action, x.project, x.move_to, x.if_match,
           x.idempotency_key, x.fresh_key, x.canonical_body);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_outcome& x) {
  return f(caf::meta::type_name("command_outcome"), x.request_id, x.code,
           x.todo_id, x.version, optional_field(x.todo),
           optional_field(x.project), x.field, x.detail, x.replayed);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, shared_frame& x) {
  std::string tmp = x.text ? *x.text : std::string{};
  return f(caf::meta::type_name("shared_frame"), tmp, x.seq,
           caf::meta::load_callback([&]() -> caf::error {
             x.text = std::make_shared<const std::string>(std::move(tmp));
             return caf::none;
           }));
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, todo_page& x) {
  return f(caf::meta::type_name("todo_page"), x.items, optional_field(x.next));
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification_page& x) {
  return f(caf::meta::type_name("notification_page"), x.items, x.read_up_to,
           x.unread);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_profile& x) {
  return f(caf::meta::type_name("user_profile"), x.time_zone, x.projects);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, occurrence_list& x) {
  return f(caf::meta::type_name("occurrence_list"), x.dues);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, pending_reminder& x) {
  return f(caf::meta::type_name("pending_reminder"), x.todo_id, x.index,
           x.at_ms);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_summary& x) {
  return f(caf::meta::type_name("list_summary"), x.user, x.resident, x.todos,
           x.open, x.last_sequence, x.committed_sequence, x.sessions,
           x.pending_commands, x.handled_messages, x.pending_reminders);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, planned_wake& x) {
  return f(caf::meta::type_name("planned_wake"), x.at_ms, x.user, x.todo,
           x.missed);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, scheduler_summary& x) {
  return f(caf::meta::type_name("scheduler_summary"), x.pending,
           x.catchup_rate_per_s, x.in_memory, x.backlog, x.in_flight,
           x.wakes_sent, x.fired, x.whole_index_in_memory);
}

} // namespace actodo::actors
