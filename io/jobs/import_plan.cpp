#include "io/jobs/import_plan.hpp"

#include <functional>
#include <queue>
#include <string_view>
#include <unordered_map>

namespace actodo::io::jobs {

import_plan::import_plan(size_t items,
                         const std::vector<codec::import_link>& links) {
  if (links.empty())
    return;
  auto n = static_cast<int64_t>(items);
  // The first item with an id wins it.
  std::unordered_map<std::string_view, int64_t> by_id;
  for (int64_t i = 0; i < n; ++i)
    if (auto& id = links[static_cast<size_t>(i)].id; !id.empty())
      by_id.emplace(id, i);
  parent_.assign(items, root);
  has_subtasks_.assign(items, false);
  std::vector<std::vector<int64_t>> children(items);
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> ready;
  for (int64_t i = 0; i < n; ++i) {
    auto& name = links[static_cast<size_t>(i)].parent;
    if (name.empty()) {
      ready.push(i);
      continue;
    }
    auto p = by_id.find(name);
    if (p == by_id.end()) {
      parent_[static_cast<size_t>(i)] = missing;
      ready.push(i);
    } else if (p->second == i) {
      parent_[static_cast<size_t>(i)] = cycle;
    } else {
      parent_[static_cast<size_t>(i)] = p->second;
      has_subtasks_[static_cast<size_t>(p->second)] = true;
      children[static_cast<size_t>(p->second)].push_back(i);
    }
  }
  order_.reserve(items);
  std::vector<bool> placed(items, false);
  while (!ready.empty()) {
    auto i = ready.top();
    ready.pop();
    order_.push_back(i);
    placed[static_cast<size_t>(i)] = true;
    for (auto child : children[static_cast<size_t>(i)])
      ready.push(child);
  }
  // What no root reaches is in a cycle or below one: last, in file order.
  for (int64_t i = 0; i < n; ++i)
    if (!placed[static_cast<size_t>(i)]) {
      parent_[static_cast<size_t>(i)] = cycle;
      order_.push_back(i);
    }
}

} // namespace actodo::io::jobs
