#pragma once

#include <memory>

#include "web/beast.hpp"
#include "web/settings.hpp"

namespace actodo::web {

/// A diagnostic WebSocket endpoint (`/diag/ws-echo`, off unless
/// `--ws-echo=true`): echoes every message with its type, so that RFC 6455
/// conformance suites (fragmentation, UTF-8 validation, close handshake,
/// ping/pong, reserved bits and opcodes) can drive the same Beast stream
/// settings the API socket uses. No actors involved.
class echo_session : public std::enable_shared_from_this<echo_session> {
 public:
  echo_session(tcp::socket&& socket, std::shared_ptr<void> slot,
               const settings& cfg);

  void run(http::request<http::string_body> req);

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_write(beast::error_code ec, std::size_t bytes);

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<void> slot_;
  beast::flat_buffer buffer_;
};

} // namespace actodo::web
