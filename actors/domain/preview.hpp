#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::actors::domain {

/// Most occurrences one listing or preview returns.
inline constexpr size_t max_occurrences = 100;

/// An unsaved rule whose occurrences a client wants to see.
struct preview_request {
  /// A todo carrying the rule, its due date and zone.
  todo sample;
  /// How many occurrences, the due date included (1-100).
  size_t limit = 10;
  /// The parameter an over-budget rule is blamed on: `rrule` or `preset`.
  std::string field = "rrule";
};

/// Decodes the query of `GET /api/v1/recurrence/preview`: `rrule` or
/// `preset`, `due` (required), `time_zone`, `exdate` (repeatable), `mode`
/// and `limit` (1-100, default 10), validated as a todo with these fields
/// would be. The error names the parameter.
std::optional<field_error>
decode_preview(const std::vector<std::pair<std::string, std::string>>& params,
               int64_t now_ms, preview_request& out);

} // namespace actodo::actors::domain
