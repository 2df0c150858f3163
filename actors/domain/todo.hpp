#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace actodo::domain {

/// Importance of a todo, ordered from least to most important.
enum class priority : uint8_t { none, low, medium, high, urgent };

/// Returns the wire name of `x`: `none`, `low`, `medium`, `high`, `urgent`.
std::string_view to_string(priority x);

/// Parses a wire name (exact, lower case) into a priority.
std::optional<priority> parse_priority(std::string_view str);

/// A single todo item of one user.
struct todo {
  /// Opaque, stable identifier.
  std::string id;
  std::string title;
  std::string notes;
  bool completed = false;
  /// RFC 3339 ms UTC timestamp of the last completion; empty means null.
  std::string completed_at;
  priority prio = priority::none;
  std::vector<std::string> tags;
  /// Empty means null; otherwise exactly as the client gave it (validated
  /// RFC 3339 date or date-time with offset).
  std::string due;
  /// Client-defined position for manual ordering.
  double order = 0;
  /// RFC 3339 ms UTC.
  std::string created_at;
  /// RFC 3339 ms UTC.
  std::string updated_at;
  /// Incremented on every change; a new todo has version 1.
  int64_t version = 1;
};

/// Compares all members.
bool operator==(const todo& x, const todo& y);

/// Compares all members.
inline bool operator!=(const todo& x, const todo& y) {
  return !(x == y);
}

/// Renders `x` as a JSON object with the keys `id`, `title`, `notes`,
/// `completed`, `completed_at` (null if empty), `priority` (string), `tags`,
/// `due` (null if empty), `order`, `created_at`, `updated_at` and `version`.
nlohmann::json to_json(const todo& x);

/// Inverse of `to_json`, used for loading trusted data from the store.
/// `completed_at` and `due` may be null or missing; `notes`, `tags`,
/// `priority` and `order` default when missing. Throws a nlohmann::json
/// exception on missing required keys or wrong types, and
/// `nlohmann::json::other_error` on an unknown priority.
todo todo_from_json(const nlohmann::json& obj);

} // namespace actodo::domain
