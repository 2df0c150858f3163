#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "actors/domain/query.hpp"
#include "actors/domain/todo.hpp"

namespace actodo::actors::domain {

/// The sort values of the todos one owner keeps in a node-based container
/// (their addresses stay put while they exist): computed when a todo is
/// first listed or has changed since, instead of for every todo on every
/// query. An entry is valid while the todo at its address has the same id,
/// version and `updated_at`.
class sort_cache {
 public:
  /// The sort values of `x`, computed if missing or stale.
  const sort_values& of(const todo& x);

  /// Drops the entries of todos that are gone once there are more than
  /// twice `live` of them (amortized: call after each query).
  void shrink(size_t live);

  size_t size() const noexcept {
    return entries_.size();
  }

 private:
  struct entry {
    int64_t version = 0;
    std::string updated_at;
    sort_values values;
  };

  std::unordered_map<const todo*, entry> entries_;
};

} // namespace actodo::actors::domain
