#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/domain/query.hpp"
#include "actors/domain/todo.hpp"

namespace actodo::actors::domain {

/// Extracts the sort values of `x`.
sort_values make_sort_values(const todo& x);

/// Three-way comparison of `x` and `y` under `keys` (empty = created_at
/// ascending), with `id` ascending as final tie-breaker. Returns a negative
/// number if `x` sorts first, zero if equal, a positive number otherwise.
int compare(const std::vector<sort_key>& keys, const sort_values& x,
            const sort_values& y);

/// `keys`, or the default order (created_at ascending) when empty.
const std::vector<sort_key>& effective_sort(const std::vector<sort_key>& keys);

} // namespace actodo::actors::domain
