#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

namespace actodo::actors::auth {

/// A queue that takes turns between keys: `pop` serves the keys round-robin
/// and each key's items in order. A flood of items under one key (an
/// attacked username) delays another key's item by at most one turn.
template<class T>
class fair_queue {
 public:
  void push(const std::string& key, T item) {
    auto& items = items_[key];
    if (items.empty())
      turns_.push_back(key);
    items.push_back(std::move(item));
    ++size_;
  }

  /// The next item; the queue must not be empty.
  T pop() {
    auto key = std::move(turns_.front());
    turns_.pop_front();
    auto i = items_.find(key);
    auto item = std::move(i->second.front());
    i->second.pop_front();
    if (i->second.empty())
      items_.erase(i);
    else
      turns_.push_back(std::move(key));
    --size_;
    return item;
  }

  bool empty() const {
    return size_ == 0;
  }

  size_t size() const {
    return size_;
  }

 private:
  std::deque<std::string> turns_;
  std::unordered_map<std::string, std::deque<T>> items_;
  size_t size_ = 0;
};

} // namespace actodo::actors::auth
