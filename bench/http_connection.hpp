#pragma once

#include <string>

#include "bench/net.hpp"
#include "bench/options.hpp"

namespace actodo::bench {

class http_connection;

/// Receives the outcome of each request of an `http_connection`.
class http_listener {
 public:
  virtual ~http_listener() = default;

  /// Called once per `send` with the response (valid until the next send)
  /// or an error (`what` names the failing step).
  virtual void on_response(http_connection& conn, beast::error_code ec,
                           const char* what,
                           http::response<http::string_body>& res)
    = 0;
};

/// One HTTP/1.1 keep-alive client connection with at most one request in
/// flight. Single-threaded: use from the io_context's thread only.
class http_connection {
 public:
  http_connection(net::io_context& ioc, tcp::endpoint server, const user& who,
                  http_listener& listener, size_t index);

  /// Sends a request; connects first if needed. `prefer_wait` adds
  /// `Prefer: wait=5`. The request times out after 30 s.
  void send(http::verb method, std::string_view target, std::string body,
            bool prefer_wait);

  /// Acts as `who` from the next request on.
  void act_as(const user& who);

  /// Closes the socket (pending operations complete with an error).
  void close();

  bool busy() const {
    return busy_;
  }

  size_t index() const {
    return index_;
  }

  /// The intended send time of the request in flight (set by the caller).
  time_point intended;

 private:
  void do_write();
  void on_done(beast::error_code ec, const char* what);

  beast::tcp_stream stream_;
  tcp::endpoint server_;
  http_listener& listener_;
  size_t index_;
  bool connected_ = false;
  bool busy_ = false;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

} // namespace actodo::bench
