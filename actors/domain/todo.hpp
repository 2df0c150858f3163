#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/domain/compact_string.hpp"
#include "actors/domain/compact_vector.hpp"
#include "actors/domain/heap_optional.hpp"
#include "actors/domain/optional_instant.hpp"

namespace actodo::actors::domain {

/// Importance of a todo, ordered from least to most important.
enum class priority : uint8_t { none, low, medium, high, urgent };

/// Returns the wire name of `x`: `none`, `low`, `medium`, `high`, `urgent`.
std::string_view to_string(priority x);

/// Parses a wire name (exact, lower case) into a priority.
std::optional<priority> parse_priority(std::string_view str);

/// What happens to a reminder whose instant passed while nobody could fire
/// it (the server was down or overloaded): `fire_once` fires it once, late;
/// `skip` drops it.
enum class misfire_policy : uint8_t { fire_once, skip };

/// Life cycle of a reminder.
enum class reminder_state : uint8_t { pending, fired, dismissed, skipped };

std::string_view to_string(misfire_policy x);
std::string_view to_string(reminder_state x);

/// One reminder of a todo: an absolute instant or an offset from `due`.
struct reminder {
  /// Absolute instant exactly as given (RFC 3339 date-time); empty when the
  /// reminder is relative to `due`.
  std::string at;
  /// Offset from the due instant in milliseconds (when `at` is empty).
  int64_t offset_ms = 0;
  misfire_policy misfire = misfire_policy::fire_once;
  reminder_state state = reminder_state::pending;
  /// Snoozed until this instant (ms since the epoch); 0 when not snoozed.
  int64_t snoozed_until = 0;
  /// RFC 3339 ms UTC of the firing; empty when it did not fire.
  std::string fired_at;
};

bool operator==(const reminder& x, const reminder& y);

/// How a recurring todo repeats (RFC 5545 RRULE, evaluated in the local
/// wall-clock time of the todo's zone).
struct recurrence {
  /// Normalized RRULE (libical's canonical text).
  std::string rrule;
  /// Excluded local dates (`YYYY-MM-DD`) or date-times (`YYYY-MM-DDTHH:MM:SS`).
  std::vector<std::string> exdates;
  /// `from_completion`: the next occurrence follows the completion day;
  /// else (`from_due`) it follows the schedule.
  bool from_completion = false;
  /// The id of the series' first todo, shared by all its occurrences.
  std::string series_id;
  /// 1-based number of this occurrence in the series (`COUNT` counts it).
  int64_t index = 1;
  /// The todo id of the next occurrence once it exists.
  std::string next_id;
  /// No further occurrence exists (`COUNT` or `UNTIL` reached).
  bool ended = false;
  /// Why the series ended (empty while it goes on): `count`, `until` (no
  /// further occurrence), `budget` (the expansion budget ran out before
  /// the next occurrence was found) or `max_todos` (the user is at the cap).
  std::string end_reason;
};

bool operator==(const recurrence& x, const recurrence& y);

/// The id of every user's `Inbox`: the project a todo is in unless it
/// names another (see `project.hpp`).
inline constexpr std::string_view inbox_id = "p_inbox";

/// At most this many levels of subtasks, counting the root.
inline constexpr size_t max_todo_depth = 4;

/// A single todo item of one user. Every resident todo is one of these,
/// so its layout is kept tight (128 bytes, 352 before): the text members are
/// `compact_string`s and the lists `compact_vector`s (8 bytes each, most of
/// them empty or short), and the small members come last.
struct todo {
  /// Opaque, stable identifier.
  compact_string id;
  compact_string title;
  compact_string notes;
  /// Empty means null; otherwise exactly as the client gave it (validated
  /// RFC 3339 date or date-time with offset).
  compact_string due;
  /// IANA zone for `due` dates, reminders and recurrence; empty means UTC.
  compact_string time_zone;
  /// The project the todo is in (`inbox_id` unless it names another).
  compact_string project_id{inbox_id};
  /// The todo this one is a subtask of; empty for a root todo.
  compact_string parent_id;
  /// A tag is usually a short word (8 bytes, no heap of its own).
  compact_vector<compact_string> tags;
  compact_vector<reminder> reminders;
  /// On the heap: most todos do not recur.
  heap_optional<recurrence> recur;
  /// The last completion, ms since the epoch (`completed_at`, RFC 3339 ms
  /// UTC on the wire); none means null.
  optional_instant completed_ms;
  /// Client-defined position for manual ordering.
  double order = 0;
  /// Ms since the epoch (`created_at` and `updated_at` on the wire, RFC 3339
  /// ms UTC): integers, not text, since two 24-character strings past the
  /// small-string buffer cost every resident todo 128 bytes.
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  /// Incremented on every change; a new todo has version 1.
  int64_t version = 1;
  priority prio = priority::none;
  bool completed = false;
  /// Archived: out of the default list, fires nothing.
  bool archived = false;
};

/// Compares all members.
bool operator==(const todo& x, const todo& y);

/// Compares all members.
inline bool operator!=(const todo& x, const todo& y) {
  return !(x == y);
}

/// Renders `x` as a JSON object with the keys `id`, `title`, `notes`,
/// `completed`, `completed_at` (null if empty), `priority` (string), `tags`,
/// `due` (null if empty), `order`, `created_at`, `updated_at`, `version`,
/// `time_zone` (null if empty), `reminders` (each with its computed `next`
/// instant), `recurrence` (null if none), `project_id`, `parent_id` (null if
/// empty) and `archived`.
nlohmann::json to_json(const todo& x);

/// Appends the text of `to_json(x)` to `out`, byte for byte what
/// `to_json(x).dump()` writes (keys in the same order, no spaces, UTF-8 left
/// as is), without building the tree: the text of every listed and every
/// written todo. Strings must be valid UTF-8, as all parsed text is.
void append_json(std::string& out, const todo& x);

/// Inverse of `to_json`, used for loading trusted data from the store.
/// `completed_at` and `due` may be null or missing (the instants are RFC 3339
/// date-times; one that does not parse throws `other_error`); `notes`, `tags`,
/// `priority`, `order`, `project_id` (the Inbox), `parent_id` and
/// `archived` default when missing (rows stored before projects existed).
/// Throws a nlohmann::json exception on missing required keys or wrong types,
/// and `nlohmann::json::other_error` on an unknown priority.
todo todo_from_json(const nlohmann::json& obj);

} // namespace actodo::actors::domain
