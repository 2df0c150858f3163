#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
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

  /// The bytes queued for all sockets of `user` (`--ws-user-queue-bytes`),
  /// shared by that user's sessions while any of them lives.
  std::shared_ptr<std::atomic<int64_t>> queued_bytes(const std::string& user);

 private:
  std::mutex mtx_;
  std::unordered_map<websocket_session*, std::weak_ptr<websocket_session>>
    sessions_;
  std::unordered_map<std::string, std::weak_ptr<std::atomic<int64_t>>>
    user_bytes_;
};

} // namespace actodo::web
