#include "actors/auth/refresh_grace.hpp"

namespace actodo::actors::auth {

void refresh_grace::remember(const std::string& old_hash,
                             const std::string& family, token_pair answer,
                             int64_t until_ms) {
  if (entries_.size() >= max_entries_)
    return;
  entries_[old_hash] = entry{family, std::move(answer), until_ms};
  order_.emplace_back(until_ms, old_hash);
}

const token_pair* refresh_grace::find(const std::string& old_hash,
                                      int64_t now_ms) {
  expire(now_ms);
  auto i = entries_.find(old_hash);
  return i == entries_.end() ? nullptr : &i->second.answer;
}

void refresh_grace::forget_family(const std::string& family) {
  for (auto i = entries_.begin(); i != entries_.end();)
    i = i->second.family == family ? entries_.erase(i) : std::next(i);
}

void refresh_grace::expire(int64_t now_ms) {
  while (!order_.empty() && order_.front().first <= now_ms) {
    auto i = entries_.find(order_.front().second);
    if (i != entries_.end() && i->second.until_ms <= now_ms)
      entries_.erase(i);
    order_.pop_front();
  }
}

} // namespace actodo::actors::auth
