#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

#include "actors/account_messages.hpp"

namespace actodo::actors::auth {

/// Remembers, for a short grace period, the token pair a refresh token was
/// traded for, so that a client whose refresh answer got lost (a 504, a
/// dropped connection) gets the same pair again instead of being logged
/// out. Keyed by the SHA-256 of the old refresh token; in memory only.
class refresh_grace {
 public:
  /// Remembers at most `max_entries` answers; beyond, new ones are not
  /// remembered (those tokens get no grace period).
  explicit refresh_grace(size_t max_entries = 100000)
    : max_entries_(max_entries) {}

  /// Remembers `answer` for the token `old_hash` of `family` until
  /// `until_ms`.
  void remember(const std::string& old_hash, const std::string& family,
                token_pair answer, int64_t until_ms);

  /// The pair `old_hash` was traded for, if that was less than the grace
  /// period ago.
  const token_pair* find(const std::string& old_hash, int64_t now_ms);

  /// Forgets every answer of a revoked family.
  void forget_family(const std::string& family);

  /// Drops answers whose grace period ended.
  void expire(int64_t now_ms);

  size_t size() const {
    return entries_.size();
  }

 private:
  struct entry {
    std::string family;
    token_pair answer;
    int64_t until_ms = 0;
  };

  size_t max_entries_;
  std::unordered_map<std::string, entry> entries_;
  /// (until, key) in insertion order, i.e. by expiry for one grace period.
  std::deque<std::pair<int64_t, std::string>> order_;
};

} // namespace actodo::actors::auth
