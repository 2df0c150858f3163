#include "actors/domain/sort_index.hpp"

#include <algorithm>

#include "actors/domain/sort_values.hpp"

namespace actodo::actors::domain {

bool sort_indexes::order_less::operator()(const entry* x,
                                          const entry* y) const {
  return compare(*keys, x->values, y->values) < 0;
}

bool sort_indexes::order_less::operator()(const entry* x,
                                          const sort_values& y) const {
  return compare(*keys, x->values, y) < 0;
}

bool sort_indexes::order_less::operator()(const sort_values& x,
                                          const entry* y) const {
  return compare(*keys, x, y->values) < 0;
}

void sort_indexes::put(const todo& x) {
  auto [i, added] = entries_.try_emplace(x.id.str());
  auto* e = &i->second;
  // Out of every order while its values change (the sets' invariant).
  if (!added)
    for (auto& o : orders_)
      o.set.erase(e);
  e->item = &x;
  e->values = make_sort_values(x);
  for (auto& o : orders_)
    o.set.insert(e);
}

void sort_indexes::erase(const std::string& id) {
  auto i = entries_.find(id);
  if (i == entries_.end())
    return;
  for (auto& o : orders_)
    o.set.erase(&i->second);
  entries_.erase(i);
}

void sort_indexes::clear() {
  orders_.clear();
  entries_.clear();
}

sort_indexes::order& sort_indexes::order_for(const std::vector<sort_key>& k) {
  auto& keys = effective_sort(k);
  auto i = std::find_if(orders_.begin(), orders_.end(),
                        [&keys](const order& o) { return *o.keys == keys; });
  if (i != orders_.end()) {
    orders_.splice(orders_.begin(), orders_, i);
    return orders_.front();
  }
  if (orders_.size() >= max_orders_)
    orders_.pop_back();
  auto& o = orders_.emplace_front(keys);
  for (auto& kvp : entries_)
    o.set.insert(&kvp.second);
  return o;
}

page sort_indexes::run(const query& q) {
  auto& o = order_for(q.sort);
  auto limit = std::clamp(q.limit, size_t{1}, max_query_limit);
  auto i = q.after ? o.set.upper_bound(*q.after) : o.set.begin();
  page result;
  result.items.reserve(std::min(limit, o.set.size()));
  const entry* last = nullptr;
  for (; i != o.set.end(); ++i) {
    auto* e = *i;
    if (!matches(q, *e->item, e->values))
      continue;
    if (result.items.size() == limit) {
      // One more match: there is a next page, starting after `last`.
      result.next = last->values;
      break;
    }
    result.items.push_back(e->item);
    last = e;
  }
  return result;
}

} // namespace actodo::actors::domain
