#include "actors/domain/sort_cache.hpp"

#include "actors/domain/sort_values.hpp"

namespace actodo::actors::domain {

const sort_values& sort_cache::of(const todo& x) {
  auto& e = entries_[&x];
  if (e.values.id != x.id || e.version != x.version
      || e.updated_at != x.updated_at) {
    e.version = x.version;
    e.updated_at = x.updated_at;
    e.values = make_sort_values(x);
  }
  return e.values;
}

void sort_cache::shrink(size_t live) {
  // Entries are only ever looked up through live todos, so a stale one is
  // harmless; this bounds their number (every entry is rebuilt on demand).
  if (entries_.size() > 2 * live + 64)
    entries_.clear();
}

} // namespace actodo::actors::domain
