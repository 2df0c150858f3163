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
