#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/domain/query.hpp"
#include "actors/domain/todo.hpp"

namespace actodo::actors::domain {

/// The todos of one owner kept sorted in the orders that queries asked
/// for, so that a page costs O(log n + limit) instead of a scan and a sort
/// of every todo: the page starts at the cursor's position in the order and
/// walks forward while the filters drop what they must.
///
/// The owner reports every change (`put`, `erase`); the sort values of a
/// todo are computed once per change and shared by all orders. An order is
/// built on its first query (O(n log n)); at most `max_orders` are kept,
/// the least recently queried one goes first.
class sort_indexes {
 public:
  explicit sort_indexes(size_t max_orders = 4) : max_orders_(max_orders) {}

  sort_indexes(const sort_indexes&) = delete;
  sort_indexes& operator=(const sort_indexes&) = delete;

  /// `x` was added or changed; it must stay at this address until the next
  /// `put` or `erase` of its id.
  void put(const todo& x);

  /// The todo with this id is gone.
  void erase(const std::string& id);

  /// Forgets every todo and order.
  void clear();

  /// Runs `q` on the todos reported so far.
  page run(const query& q);

  /// Todos known.
  size_t size() const noexcept {
    return entries_.size();
  }

  /// Orders currently kept.
  size_t orders() const noexcept {
    return orders_.size();
  }

 private:
  struct entry {
    const todo* item = nullptr;
    sort_values values;
  };

  struct order_less {
    using is_transparent = void;
    const std::vector<sort_key>* keys;
    bool operator()(const entry* x, const entry* y) const;
    bool operator()(const entry* x, const sort_values& y) const;
    bool operator()(const sort_values& x, const entry* y) const;
  };

  using ordered = std::set<const entry*, order_less>;

  struct order {
    explicit order(std::vector<sort_key> k)
      : keys(std::make_unique<std::vector<sort_key>>(std::move(k))),
        set(order_less{keys.get()}) {}
    /// On the heap: `set`'s comparator points to it.
    std::unique_ptr<std::vector<sort_key>> keys;
    ordered set;
  };

  /// The order for `keys`, built if missing, moved to the front.
  order& order_for(const std::vector<sort_key>& keys);

  size_t max_orders_;
  std::unordered_map<std::string, entry> entries_;
  /// Most recently queried first.
  std::list<order> orders_;
};

} // namespace actodo::actors::domain
