#pragma once

#include <cstdint>
#include <string>

namespace actodo::actors {

/// Where a `session` actor delivers frames for its client: implemented by
/// the web layer on top of one WebSocket. Thread-safe and non-blocking; it
/// holds only a weak reference to the socket, so an actor keeping a sink
/// never keeps a connection alive.
class frame_sink {
 public:
  virtual ~frame_sink() = default;

  /// Queues a text frame for the client.
  virtual void send(std::string frame) = 0;

  /// Closes the connection with a WebSocket close code (RFC 6455, 7.4).
  virtual void close(uint16_t code, std::string reason) = 0;
};

} // namespace actodo::actors
