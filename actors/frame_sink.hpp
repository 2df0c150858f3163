#pragma once

#include <cstdint>
#include <string>

#include "caf/fwd.hpp"

#include "actors/messages.hpp"

namespace actodo::actors {

/// Where a `session` actor delivers frames for its client: implemented by
/// the web layer on top of one WebSocket, which also encodes what arrives
/// typed. Thread-safe and non-blocking; it holds only a weak reference to
/// the socket, so an actor keeping a sink never keeps a connection alive.
class frame_sink {
 public:
  virtual ~frame_sink() = default;

  /// Queues an encoded text frame (shared with other sessions).
  virtual void send(shared_frame frame) = 0;

  /// The outcome of command `request_id` that only this client learns
  /// about: a replayed result (a resent frame) or a refusal before it was
  /// applied.
  virtual void outcome(const std::string& request_id, const command_outcome& x)
    = 0;

  /// An `error` frame: the command `request_id` (may be empty) could not
  /// be delivered, or the stream cannot start (`field` names the cause).
  virtual void error(const std::string& request_id, const caf::error& err,
                     const std::string& field)
    = 0;

  /// Closes the connection with a WebSocket close code (RFC 6455, 7.4).
  virtual void close(uint16_t code, std::string reason) = 0;
};

} // namespace actodo::actors
