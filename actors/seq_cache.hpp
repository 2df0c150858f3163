#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace actodo::actors {

/// The journal's last sequence number per user, bounded by the users that
/// wrote (or were loaded) recently rather than by every user that ever did:
/// two generations. `find` moves a user into the young one; `age` drops the
/// old generation and makes the young one old once the young one holds
/// `capacity / 2` users. So the `capacity / 2` users used most recently are
/// always kept. A user dropped here costs one indexed read of the store on
/// its next append.
///
/// Entries must never run ahead of the store when they are dropped, so the
/// journal calls `age` only when nothing is pending: after a commit, and
/// when it loads a user (after its flush). Each generation may then exceed
/// its half by what one group commit adds: at most about
/// `capacity + 2 * max_batch` users in all.
class seq_cache {
 public:
  explicit seq_cache(size_t capacity = 65536)
    : half_(capacity < 2 ? 1 : capacity / 2) {}

  /// The cached sequence of `user` (null: not cached); stays valid until
  /// the next `set`, `erase` or `age`.
  int64_t* find(const std::string& user) {
    if (auto i = young_.find(user); i != young_.end())
      return &i->second;
    auto node = old_.extract(user);
    if (node.empty())
      return nullptr;
    return &young_.insert(std::move(node)).position->second;
  }

  void set(const std::string& user, int64_t seq) {
    old_.erase(user);
    young_[user] = seq;
  }

  void erase(const std::string& user) {
    young_.erase(user);
    old_.erase(user);
  }

  /// Forgets the least recently used half once the young generation is
  /// full. Only while no append is pending (see above).
  void age() {
    if (young_.size() < half_)
      return;
    old_ = std::move(young_);
    young_.clear();
  }

  /// Whether `user` is cached (unlike `find`, changes nothing).
  bool contains(const std::string& user) const {
    return young_.count(user) > 0 || old_.count(user) > 0;
  }

  size_t size() const {
    return young_.size() + old_.size();
  }

 private:
  size_t half_;
  std::unordered_map<std::string, int64_t> young_;
  std::unordered_map<std::string, int64_t> old_;
};

} // namespace actodo::actors
