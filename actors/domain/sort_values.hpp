#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/domain/query.hpp"
#include "actors/domain/todo.hpp"

namespace actodo::actors::domain {

/// The values of a todo that sorting looks at, plus the id as final
/// tie-breaker. Used for comparing todos and for keyset cursors.
struct sort_values {
  /// Parsed due date; nullopt if the todo has none (or it does not parse).
  std::optional<int64_t> due;
  priority prio = priority::none;
  std::string created_at;
  std::string updated_at;
  double order = 0;
  std::string title;
  /// `title` with ASCII letters folded to lower case.
  std::string title_folded;
  std::string id;
};

/// Extracts the sort values of `x`.
sort_values make_sort_values(const todo& x);

/// Three-way comparison of `x` and `y` under `keys` (empty = created_at
/// ascending), with `id` ascending as final tie-breaker. Returns a negative
/// number if `x` sorts first, zero if equal, a positive number otherwise.
int compare(const std::vector<sort_key>& keys, const sort_values& x,
            const sort_values& y);

/// Encodes the position after `x` under `keys` as an opaque cursor.
std::string encode_cursor(const std::vector<sort_key>& keys,
                          const sort_values& x);

/// Decodes a cursor produced by `encode_cursor` with the same `keys` into
/// `out`. Returns a description of the problem on failure.
std::optional<std::string> decode_cursor(std::string_view cursor,
                                         const std::vector<sort_key>& keys,
                                         sort_values& out);

} // namespace actodo::actors::domain
