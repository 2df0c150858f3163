#include "io/offset_tracker.hpp"

#include <algorithm>

namespace actodo::io {

void offset_tracker::consumed(int32_t partition, int64_t offset) {
  auto& p = parts_[partition];
  p.open.insert(offset);
  p.next = std::max(p.next, offset + 1);
}

void offset_tracker::done(int32_t partition, int64_t offset) {
  if (auto i = parts_.find(partition); i != parts_.end())
    i->second.open.erase(offset);
}

std::vector<std::pair<int32_t, int64_t>> offset_tracker::take_commits() {
  std::vector<std::pair<int32_t, int64_t>> result;
  for (auto& [partition, p] : parts_) {
    auto pos = p.open.empty() ? p.next : *p.open.begin();
    if (pos > p.committed) {
      p.committed = pos;
      result.emplace_back(partition, pos);
    }
  }
  return result;
}

void offset_tracker::forget(int32_t partition) {
  parts_.erase(partition);
}

size_t offset_tracker::open() const {
  size_t n = 0;
  for (auto& kvp : parts_)
    n += kvp.second.open.size();
  return n;
}

} // namespace actodo::io
