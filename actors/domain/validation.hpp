#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/domain/todo.hpp"

namespace actodo::actors::domain {

/// Maximum length of a title in Unicode code points (minimum is 1).
inline constexpr size_t max_title_length = 500;

/// Maximum length of the notes in Unicode code points.
inline constexpr size_t max_notes_length = 10000;

/// Maximum number of tags per todo.
inline constexpr size_t max_tags = 20;

/// Maximum length of a single tag in Unicode code points (minimum is 1).
inline constexpr size_t max_tag_length = 50;

/// Maximum number of reminders per todo.
inline constexpr size_t max_reminders = 10;

/// Maximum number of excluded dates of a recurrence.
inline constexpr size_t max_exdates = 100;

/// Describes why a request was rejected.
struct field_error {
  /// JSON pointer-ish name of the offending field, e.g. `title`, `tags/3`,
  /// or empty for the whole body.
  std::string field;
  /// Human readable explanation, e.g. `must be 1-500 characters`.
  std::string detail;
};

/// Compares both members.
inline bool operator==(const field_error& x, const field_error& y) {
  return x.field == y.field && x.detail == y.detail;
}

/// A recurrence as a client gives it: a rule or a preset (resolved against
/// the due date when applied), exclusions and the mode.
struct recurrence_input {
  /// Normalized RRULE; empty when `preset` is given.
  std::string rrule;
  std::string preset;
  std::vector<std::string> exdates;
  bool from_completion = false;
  /// Internal (an import item's series state, as the export wrote it): the
  /// position a new series starts at and whether it ended. No client body
  /// sets them; an update keeps the series' own.
  int64_t index = 1;
  bool ended = false;
  std::string end_reason;
};

/// The fields a client may set; absent members were not given.
struct todo_patch {
  std::optional<std::string> title;
  /// Given as null -> empty string.
  std::optional<std::string> notes;
  std::optional<bool> completed;
  std::optional<priority> prio;
  std::optional<std::vector<std::string>> tags;
  /// Given as null -> empty string (clears the due date).
  std::optional<std::string> due;
  std::optional<double> order;
  /// Given as null -> empty string (UTC).
  std::optional<std::string> time_zone;
  /// Replaces the list; a reminder with the same `at` or `offset` as an
  /// existing one keeps that one's state.
  std::optional<std::vector<reminder>> reminders;
  /// Given as null -> an empty inner optional (no recurrence).
  std::optional<std::optional<recurrence_input>> recurrence;
  /// Given as null -> `inbox_id`.
  std::optional<std::string> project_id;
  /// Given as null -> empty string (a root todo).
  std::optional<std::string> parent_id;
  std::optional<bool> archived;
  /// Internal (an import item's `project`): the todo goes into the
  /// project of this name (ASCII case ignored), which the command creates
  /// when the user has none. No client body sets it.
  std::optional<std::string> project_name;
};

/// Whether `id` has the shape of an id: 1-64 of `[A-Za-z0-9_-]`.
bool valid_id(std::string_view id);

/// Selects the rules `parse_patch` and `apply_patch` follow.
enum class patch_mode {
  /// POST: `title` required, everything else defaults.
  create,
  /// PATCH: any non-empty subset of the fields.
  update,
  /// PUT: `title` required, unspecified fields are reset to defaults.
  replace,
};

/// Validates a parsed JSON body and fills `out` on success.
///
/// - The body must be a JSON object (error field `""`).
/// - Only `title`, `notes`, `completed`, `priority`, `tags`, `due`,
///   `order`, `time_zone`, `reminders`, `recurrence`, `project_id`,
///   `parent_id` and `archived` are allowed. `id`,
///   `created_at`, `updated_at`, `version`, `completed_at` and `url` yield
///   `read-only field`, any other key yields `unknown field`.
/// - `create` and `replace` require `title`; `update` requires at least one
///   field (error field `""`).
/// - `title`: string of 1-500 code points, not only white space.
/// - `notes`: string of at most 10000 code points, or null (= empty).
/// - `completed`: boolean.
/// - `priority`: one of `none`, `low`, `medium`, `high`, `urgent`.
/// - `tags`: array of at most 20 strings with 1-50 code points each, unique
///   when ignoring ASCII case (non-ASCII letters are compared as-is, so
///   `É` and `é` count as different tags).
/// - `due`: RFC 3339 date or date-time with offset, or null (= clear).
/// - `order`: finite number.
/// - `time_zone`: IANA zone name or null (= UTC).
/// - `reminders`: array of at most 10 objects, each with exactly one of
///   `at` (RFC 3339 date-time) or `offset` (signed ISO 8601 duration, e.g.
///   `-PT15M`) and optionally `misfire` (`fire_once` or `skip`); the
///   read-only keys `state`, `next`, `fired_at`, `snoozed_until` are ignored.
/// - `recurrence`: null or an object with exactly one of `rrule` (RFC 5545)
///   or `preset`, optional `exdates` (at most 100 local dates or
///   date-times) and `mode` (`from_due` or `from_completion`); the read-only
///   keys `series_id`, `index`, `next_id`, `ended` are ignored.
/// - `project_id`: an id (`valid_id`) or null (= the Inbox).
/// - `parent_id`: an id or null (= a root todo).
/// - `archived`: boolean.
///
/// Whether the project and the parent exist, and what they allow (depth,
/// cycles, the parent's project), is checked against the user's todos
/// (`actors/apply.cpp`).
///
/// Whether reminders with offsets and recurrences have the `due` they need
/// is checked on the resulting todo (`check_schedule`).
///
/// Checks happen in a fixed order (object shape, unknown and read-only keys
/// in key order, required fields, then each field in the order listed
/// above) and the first error found is returned. `out` is only modified on
/// success.
std::optional<field_error> parse_patch(const nlohmann::json& body,
                                       patch_mode mode, todo_patch& out);

/// What kind of change `apply_patch` made.
enum class change_kind {
  created,
  updated,
  completed,
  reopened,
  archived,
  unarchived
};

/// Applies a validated patch to `t`.
///
/// For `create`, `t` is a fresh todo whose `id` and `created_ms` the caller
/// set; the result has version 1 and returns `created`. For `update`, only
/// given fields change; for `replace`, fields not in the patch are reset to
/// their defaults (`id`, `created_ms` are kept).
///
/// Sets `completed_ms` to `now_ms` (ms since the epoch) when `completed`
/// goes from false to true and clears it when it goes back to false. Sets
/// `updated_ms` to `now_ms`. Updates and replacements increment `version`
/// by one.
///
/// Returns `completed` or `reopened` if the completed flag flipped, else
/// `archived` or `unarchived` if the archived flag flipped, else `updated`
/// (`created` for create mode). Returns `std::nullopt` if an
/// update or replacement changes nothing, leaving `t` untouched.
std::optional<change_kind> apply_patch(const todo_patch& p, patch_mode mode,
                                       int64_t now_ms, todo& t);

/// Returns `todo.created`, `todo.updated`, `todo.completed`,
/// `todo.reopened`, `todo.archived` or `todo.unarchived`.
std::string_view event_type(change_kind x);

} // namespace actodo::actors::domain
