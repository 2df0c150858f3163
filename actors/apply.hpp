#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/domain/project.hpp"
#include "actors/domain/todo.hpp"
#include "actors/messages.hpp"
#include "persistence/records.hpp"

namespace actodo::actors {

/// Hashes a todo's id for `user_todos::by_id`. Not `std::hash` itself:
/// libstdc++ keeps the hash of every node of a map hashed by
/// `std::hash<std::string_view>` (8 bytes a resident todo) and recomputes
/// it for any other hasher that cannot throw.
struct todo_id_hash {
  size_t operator()(std::string_view id) const noexcept {
    return std::hash<std::string_view>{}(id);
  }
};

/// The todos of one user by id (see `user_todos::by_id`).
using todo_map = std::unordered_map<std::string_view, domain::todo,
                                    todo_id_hash>;

/// The todos and projects of one user as a `todo_list` holds them, plus
/// its sequence counter (the last sequence number handed out).
struct user_todos {
  /// Two todos a bucket on average: a list of 20 todos has 13 buckets
  /// (104 bytes) rather than 29 (232), and a lookup compares about one id
  /// more. Most resident lists are small (bench/RESULTS.md, #14 memory).
  static constexpr float max_load_factor = 2.0f;

  user_todos() {
    by_id.max_load_factor(max_load_factor);
  }
  user_todos(user_todos&&) = default;
  user_todos& operator=(user_todos&&) = default;
  /// Not copyable: the keys of `by_id` point into its own todos.
  user_todos(const user_todos&) = delete;
  user_todos& operator=(const user_todos&) = delete;

  domain::compact_string user_id;
  /// By id. Each key is a view of its todo's own `id`, so an id is stored
  /// once (its text twice, key and member, cost 64 bytes a todo): todos
  /// come and go only through `put` and `erase`, and a todo changed in
  /// place keeps its `id`.
  todo_map by_id;
  int64_t last_seq = 0;
  /// By id; the Inbox is always one of them.
  std::map<std::string, domain::project> projects{
    {std::string{domain::inbox_id}, domain::default_inbox()}};
  /// The ids of each todo's subtasks, by parent id (kept by `put` and
  /// `erase`).
  std::unordered_map<std::string, std::vector<std::string>> children;
  /// The user's time zone (`PATCH /api/v1/me`); empty: UTC.
  domain::compact_string time_zone;
  /// The latest notifications, oldest first (at most `max_notifications`).
  /// A vector, not a deque: an empty `std::deque` allocates about 600 bytes
  /// (libstdc++), for every resident list.
  std::vector<domain::notification> notifications;
  /// Notifications up to this id are read.
  int64_t read_up_to = 0;
  /// The cap on kept notifications (`--max-notifications`).
  uint32_t max_notifications = 200;
  /// The cap on projects (`--max-projects`).
  uint32_t max_projects = 300;
  /// The budget of an expansion made inline (the next occurrence of a
  /// recurring subtask that a completed parent completes).
  uint32_t recurrence_budget = 10000;

  /// Inserts or replaces a todo, keeping `children` in step.
  void put(domain::todo t);
  /// Removes one todo (not its subtasks), keeping `children` in step.
  void erase(std::string_view id);
  /// The subtasks of `id`, their subtasks and so on, parents first.
  std::vector<std::string> descendants(std::string_view id) const;
  /// Levels from the root down to `id` (a root todo: 1).
  size_t depth(std::string_view id) const;
  /// Levels from `id` down to its deepest subtask (no subtasks: 1).
  size_t height(std::string_view id) const;
  /// The notifications with an id above `read_up_to`.
  int64_t unread() const;
};

/// A todo whose wake time changed (-1: never), for the reminder scheduler.
struct wake_change {
  std::string todo_id;
  int64_t before = -1;
  int64_t at = -1;
};

/// The result of applying one command: the typed outcome for the requester
/// and the records to commit. A rejected command has no events, only its
/// request record (none at all when it was `invalid`).
struct applied {
  command_outcome result;
  persistence::user_batch batch;
  /// `{"type":"reminder",...}` frames for the sessions.
  std::vector<std::string> reminder_frames;
  /// The instants of the reminders that fired (their lateness is measured
  /// once they are durable).
  std::vector<int64_t> fired;
  std::vector<wake_change> wakes;
  /// The number of unread notifications changed (the sessions hear it).
  bool unread_changed = false;
  /// The command left a notification (the last one of `notifications`).
  bool noticed = false;
};

/// The next occurrence for a command that completes a recurring todo or
/// wakes a passed one, as `plan_successor` computed it beforehand.
struct successor_plan {
  /// False: nobody asked (the todo keeps waiting for its next occurrence).
  bool computed = false;
  /// Empty when the series ended.
  std::optional<domain::todo> next;
  /// Why it ended (`count`, `until`, `budget`) when `next` is empty.
  std::string end_reason;
};

/// Applies `cmd` to `todos`; on success `todos` changes and the batch
/// carries the events with the next sequence numbers. Plain C++: no actors,
/// no I/O. The edge decoded and checked the command's shape; what depends
/// on the todo (its schedule, the reminder index, `If-Match`) is checked
/// here.
/// A create beyond `max_todos` todos is rejected (`too_many`, field
/// `todos`); a next occurrence counts against the cap too: at the cap the
/// series ends (`ended`, `end_reason: max_todos`) instead. An `invalid`
/// command yields an empty batch and an outcome without request id.
/// A completion of a recurring todo, or a wake of a passed `from_due`
/// occurrence, links the todo to `plan.next` (created in the same batch) or
/// ends its series. Snooze, dismiss and wake change reminder states; a wake
/// fires (or, per misfire policy, skips) every reminder that is due.
applied apply_command(user_todos& todos, const command& cmd, int64_t now_ms,
                      size_t max_todos, const successor_plan& plan = {});

/// The todo as `cmd` would leave it, when that calls for its next
/// occurrence; the `todo_list` computes it (`plan_successor`)
/// before applying `cmd`.
std::optional<domain::todo>
successor_needed(const user_todos& todos, const command& cmd, int64_t now_ms);

/// What an `Idempotency-Key` is bound to: the SHA-256 (hex) of operation,
/// target, precondition and the canonical body.
std::string command_fingerprint(const command& cmd);

/// Whether a stored fingerprint is the one of `cmd` (also in the plain-text
/// form outcomes stored before fingerprints were hashed have).
bool same_command(const std::string& stored, const command& cmd);

/// A fresh identifier such as `t_1kcq3v0h2e8f...`: the creation time in
/// milliseconds, then 50 random bits (sorts by creation time).
std::string new_id(std::string_view prefix);

} // namespace actodo::actors
