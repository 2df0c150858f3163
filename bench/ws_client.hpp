#pragma once

#include <string>

#include "bench/net.hpp"
#include "bench/options.hpp"

namespace actodo::bench {

class ws_client;

/// Receives the frames and failures of a `ws_client`.
class ws_listener {
 public:
  virtual ~ws_listener() = default;

  /// The WebSocket handshake completed.
  virtual void on_open(ws_client& client) = 0;

  /// One text frame (valid during the call only).
  virtual void on_frame(ws_client& client, std::string_view frame) = 0;

  /// Connect, handshake or read failed, or the server closed the socket
  /// (`ec == websocket::error::closed`, see `close_code`).
  virtual void
  on_failure(ws_client& client, beast::error_code ec, const char* what)
    = 0;
};

/// A WebSocket client of `/api/v1/ws` that reads frames until closed.
/// Single-threaded: use from the io_context's thread only.
class ws_client {
 public:
  ws_client(net::io_context& ioc, tcp::endpoint server, const user& who,
            ws_listener& listener, size_t index);

  /// Connects, upgrades and starts reading.
  void open();

  /// Closes the TCP socket without a close handshake (fast teardown).
  void close();

  size_t index() const {
    return index_;
  }

  bool is_open() const {
    return open_;
  }

  /// The close code the server sent, if it closed the socket.
  int close_code() const {
    return static_cast<int>(ws_.reason().code);
  }

  /// When `open` was called; useful for connect latency.
  time_point opened_at;

 private:
  void do_read();

  websocket::stream<beast::tcp_stream> ws_;
  tcp::endpoint server_;
  const user& user_;
  ws_listener& listener_;
  size_t index_;
  bool open_ = false;
  bool closing_ = false;
  beast::flat_buffer buffer_;
};

} // namespace actodo::bench
