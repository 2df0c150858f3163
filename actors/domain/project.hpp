#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/domain/compact_string.hpp"
#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::actors::domain {

/// Maximum length of a project name in Unicode code points (minimum 1).
inline constexpr size_t max_project_name_length = 120;

/// A named group of one user's todos. Every user has the `Inbox`
/// (`inbox_id`): it exists before anything is stored, cannot be deleted
/// nor archived, and holds every todo that names no other project.
struct project {
  /// Text members are `compact_string`s (8 bytes each; the Inbox's all fit
  /// inline): every resident list holds at least the Inbox.
  compact_string id;
  compact_string name;
  /// `#rrggbb` (lower case) or empty (null: no colour).
  compact_string color;
  /// Client-defined position in the sidebar.
  double order = 0;
  /// RFC 3339 ms UTC; empty for the Inbox until it is first changed.
  compact_string created_at;
  compact_string updated_at;
  int64_t version = 1;
  /// Archived projects stay (their todos too) but leave the default list.
  bool archived = false;
};

bool operator==(const project& x, const project& y);

inline bool operator!=(const project& x, const project& y) {
  return !(x == y);
}

/// The Inbox as it is before its owner changes it.
project default_inbox();

/// `{"id","name","color","order","archived","created_at","updated_at",
/// "version"}`: the wire and storage form (keys in byte order).
nlohmann::json to_json(const project& x);

/// Inverse of `to_json` for trusted (stored) data; throws a nlohmann::json
/// exception on missing keys or wrong types.
project project_from_json(const nlohmann::json& obj);

/// The fields a client may set on a project; absent members were not
/// given.
struct project_patch {
  std::optional<std::string> name;
  /// Given as null -> empty string.
  std::optional<std::string> color;
  std::optional<double> order;
  std::optional<bool> archived;
};

/// Validates a project body: an object with only `name` (1-120 code
/// points, not blank), `color` (`#rgb` or `#rrggbb`, stored as lower-case
/// `#rrggbb`, or null), `order` (finite number) and `archived` (boolean);
/// `id`, `created_at`, `updated_at` and `version` are read-only. A create
/// needs `name`, an update at least one field. The first error wins.
std::optional<field_error> parse_project_patch(const nlohmann::json& body,
                                               bool create, project_patch& out);

/// Applies `p` to `x`; returns false (and leaves `x` alone) when nothing
/// changes. Sets `updated_at` (and `created_at` when empty) and increments
/// the version on a change.
bool apply_project_patch(const project_patch& p, std::string_view now,
                         project& x);

} // namespace actodo::actors::domain
