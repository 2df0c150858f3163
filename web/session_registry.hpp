#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

namespace actodo::web {

class websocket_session;

/// The live WebSocket sessions, so that shutdown can stop their actors.
class session_registry {
 public:
  void add(websocket_session* key, std::weak_ptr<websocket_session> session);
  void remove(websocket_session* key);

  /// Detaches every live session from its actor.
  void detach_all();

 private:
  std::mutex mtx_;
  std::unordered_map<websocket_session*, std::weak_ptr<websocket_session>>
    sessions_;
};

} // namespace actodo::web
