#pragma once

#include <cstdint>
#include <vector>

#include "io/codec/import_codec.hpp"

namespace actodo::io::jobs {

/// The order an import applies its items in, and which item is whose
/// subtask. Deterministic for one file: a job that resumes plans the same.
class import_plan {
 public:
  /// No parent: a root todo.
  static constexpr int64_t root = -1;
  /// Names a parent that no item of the file has.
  static constexpr int64_t missing = -2;
  /// It, or one of its ancestors, is in a cycle of parent links.
  static constexpr int64_t cycle = -3;

  /// File order, no links (an empty `links`), or else file order except
  /// that each subtask comes after its parent (the smallest index that is
  /// ready goes first).
  import_plan(size_t items, const std::vector<codec::import_link>& links);

  /// The item applied at `position`.
  int64_t item_at(int64_t position) const {
    return order_.empty() ? position : order_[static_cast<size_t>(position)];
  }

  /// The parent item of `item` (an index), or `root`, `missing`, `cycle`.
  int64_t parent_of(int64_t item) const {
    return parent_.empty() ? root : parent_[static_cast<size_t>(item)];
  }

  /// Another item names `item` as its parent.
  bool has_subtasks(int64_t item) const {
    return !has_subtasks_.empty() && has_subtasks_[static_cast<size_t>(item)];
  }

 private:
  std::vector<int64_t> order_;
  std::vector<int64_t> parent_;
  std::vector<bool> has_subtasks_;
};

} // namespace actodo::io::jobs
