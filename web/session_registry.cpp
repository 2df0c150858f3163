#include "web/session_registry.hpp"

#include <vector>

#include "web/websocket_session.hpp"

namespace actodo::web {

void session_registry::add(websocket_session* key,
                           std::weak_ptr<websocket_session> session) {
  std::lock_guard<std::mutex> guard{mtx_};
  sessions_.emplace(key, std::move(session));
}

void session_registry::remove(websocket_session* key) {
  std::lock_guard<std::mutex> guard{mtx_};
  sessions_.erase(key);
}

std::shared_ptr<std::atomic<int64_t>>
session_registry::queued_bytes(const std::string& user) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = user_bytes_[user];
  if (auto counter = slot.lock())
    return counter;
  auto counter = std::make_shared<std::atomic<int64_t>>(0);
  slot = counter;
  // Forget users without sessions so the table stays as small as the set
  // of connected users.
  if (user_bytes_.size() > 2 * sessions_.size() + 64)
    for (auto i = user_bytes_.begin(); i != user_bytes_.end();)
      i = i->second.expired() ? user_bytes_.erase(i) : std::next(i);
  return counter;
}

void session_registry::detach_all() {
  std::vector<std::shared_ptr<websocket_session>> live;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& kvp : sessions_)
      if (auto s = kvp.second.lock())
        live.push_back(std::move(s));
  }
  for (auto& s : live)
    s->detach();
}

} // namespace actodo::web
