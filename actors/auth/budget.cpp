#include "actors/auth/budget.hpp"

#include <algorithm>

namespace actodo::actors::auth {

budget::budget(size_t limit, clock::duration window, size_t max_keys)
  : limit_(limit), window_(window), max_keys_(std::max<size_t>(max_keys, 1)) {}

int64_t budget::retry_after(const std::string& key,
                            clock::time_point now) const {
  if (limit_ == 0)
    return 0;
  auto i = entries_.find(key);
  if (i == entries_.end())
    return 0;
  auto& e = i->second;
  auto ends = e.since + window_;
  if (now >= ends && e.running == 0)
    return 0;
  if (e.counted + e.running < limit_)
    return 0;
  if (now >= ends || e.counted < limit_)
    return 1; // Running attempts may still succeed: ask again shortly.
  auto left = std::chrono::duration_cast<std::chrono::seconds>(ends - now);
  return std::max<int64_t>(1, left.count() + 1);
}

void budget::start(const std::string& key, clock::time_point now) {
  if (limit_ == 0)
    return;
  auto i = entries_.find(key);
  if (i == entries_.end()) {
    if (entries_.size() >= max_keys_)
      make_room(now);
    i = entries_.emplace(key, entry{0, 0, now}).first;
  }
  auto& e = i->second;
  if (now >= e.since + window_) {
    // A new window; the attempts still running stay counted.
    e.counted = 0;
    e.since = now;
  }
  ++e.running;
}

void budget::finish(const std::string& key, bool counted) {
  auto i = entries_.find(key);
  if (i == entries_.end())
    return;
  auto& e = i->second;
  if (e.running > 0)
    --e.running;
  if (counted)
    ++e.counted;
  else if (e.counted == 0 && e.running == 0)
    entries_.erase(i);
}

void budget::clear(const std::string& key) {
  auto i = entries_.find(key);
  if (i == entries_.end())
    return;
  if (i->second.running == 0)
    entries_.erase(i);
  else
    i->second.counted = 0;
}

void budget::make_room(clock::time_point now) {
  for (auto i = entries_.begin(); i != entries_.end();)
    if (i->second.running == 0 && now >= i->second.since + window_)
      i = entries_.erase(i);
    else
      ++i;
  if (entries_.size() < max_keys_)
    return;
  auto oldest = entries_.end();
  for (auto i = entries_.begin(); i != entries_.end(); ++i)
    if (i->second.running == 0
        && (oldest == entries_.end() || i->second.since < oldest->second.since))
      oldest = i;
  if (oldest != entries_.end())
    entries_.erase(oldest);
}

} // namespace actodo::actors::auth
