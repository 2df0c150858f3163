#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "actors/gateway.hpp"
#include "web/beast.hpp"
#include "web/http_types.hpp"
#include "web/settings.hpp"

namespace actodo::web {

class router;
class session_registry;

/// One HTTP/1.1 connection: reads a request (with body and header limits and
/// a read timeout), lets the router answer it asynchronously, writes the
/// response, and repeats; hands WebSocket upgrades to `websocket_session`.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  /// `slot` counts this connection against `--max-connections` until the
  /// connection (or the WebSocket it becomes) ends.
  http_session(tcp::socket&& socket, std::shared_ptr<void> slot,
               const settings& cfg, router& routes, actors::gateway& gate,
               session_registry& registry);

  void run();

 private:
  void do_read();
  /// The head is in: an authenticated upload route raises the body limit;
  /// `Expect: 100-continue` is answered; then the body.
  void on_header(beast::error_code ec, std::size_t bytes);
  bool upload_allowed(http::request<http::string_body>& head) const;
  void on_read(beast::error_code ec, std::size_t bytes);
  void upgrade(http::request<http::string_body> req);
  void send(http_response res);
  /// A streamed body (`http_response::stream`): the header, then one chunk
  /// per piece as the stream produces them, then the last chunk.
  void send_stream(http_response res);
  void next_piece(std::shared_ptr<body_stream> src);
  void write_piece(std::shared_ptr<body_stream> src, bool ok,
                   std::string piece);
  void on_write(bool close, beast::error_code ec, std::size_t bytes);
  void do_close();
  /// Lingering close: after the response, drain what the client still
  /// sends (bounded in time and bytes) so it reads the status, not a reset.
  void do_drain();
  void on_drain(beast::error_code ec, std::size_t bytes);
  /// The client's address, asked of the socket once per connection (a
  /// system call per request was a measurable share of a small POST).
  const std::string& remote();

  using chunk_header_cb = std::function<void(std::uint64_t, beast::string_view,
                                             beast::error_code&)>;

  beast::tcp_stream stream_;
  std::shared_ptr<void> slot_;
  /// Bounded: a chunk header, extension or trailer section never grows it
  /// past the header limit.
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  /// Counts chunk-extension bytes against the header limit.
  chunk_header_cb on_chunk_header_;
  std::size_t extension_bytes_ = 0;
  /// The body limit of the request being read.
  std::uint64_t body_limit_ = 0;
  /// Held from an upload's head until its answer (`take_upload_slot`).
  std::shared_ptr<void> upload_slot_;
  std::unique_ptr<char[]> drain_;
  std::size_t drained_ = 0;
  std::shared_ptr<void> response_;
  const settings& cfg_;
  router& router_;
  actors::gateway& gate_;
  session_registry& registry_;
  std::string remote_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool head_ = false;
};

} // namespace actodo::web
