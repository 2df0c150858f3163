#include "web/listener.hpp"

#include <array>
#include <iostream>

#include "web/http_session.hpp"

namespace actodo::web {

void fail(beast::error_code ec, const char* what) {
  // Normal ends of connections are not worth a line.
  if (ec == net::error::operation_aborted || ec == websocket::error::closed
      || ec == net::error::eof || ec == net::error::connection_reset
      || ec == beast::error::timeout || ec == net::error::broken_pipe)
    return;
  // Protocol violations are the client's fault and answered with a close
  // code; logging each would let any client flood the log.
  if (ec.category() == make_error_code(websocket::error::closed).category())
    return;
  std::cerr << "actodo: " << what << ": " << ec.message() << '\n';
}

listener::listener(net::io_context& ioc, const settings& cfg, router& routes,
                   actors::gateway& gate, session_registry& registry,
                   connection_limit& slots)
  : ioc_(ioc),
    acceptor_(net::make_strand(ioc)),
    cfg_(cfg),
    router_(routes),
    gate_(gate),
    registry_(registry),
    slots_(slots),
    retry_(acceptor_.get_executor()) {}

beast::error_code listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(endpoint, ec);
  if (!ec)
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

tcp::endpoint listener::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void listener::run() {
  do_accept();
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept,
                                                   shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted)
    return; // Stopped.
  if (ec)
    return back_off(ec);
  auto slot = slots_.acquire();
  if (!slot) {
    refuse(socket);
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<http_session>(std::move(socket), std::move(slot), cfg_,
                                   router_, gate_, registry_)
      ->run();
  }
  do_accept();
}

void listener::back_off(beast::error_code ec) {
  constexpr auto log_interval = std::chrono::seconds(10);
  auto now = std::chrono::steady_clock::now();
  if (now - last_log_ >= log_interval) {
    std::cerr << "actodo: accept: " << ec.message();
    if (unlogged_ > 0)
      std::cerr << " (" << unlogged_ << " more since the last report)";
    std::cerr << "; retrying every 100 ms\n";
    last_log_ = now;
    unlogged_ = 0;
  } else {
    ++unlogged_;
  }
  retry_.expires_after(std::chrono::milliseconds(100));
  retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
    if (!wait_ec && self->acceptor_.is_open())
      self->do_accept();
  });
}

void listener::refuse(tcp::socket& socket) {
  static constexpr std::string_view busy
    = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
      "Retry-After: 1\r\nContent-Type: application/problem+json\r\n"
      "Content-Length: 76\r\n\r\n"
      "{\"status\":503,\"title\":\"Service Unavailable\",\"detail\":\"too many "
      "connections\"}";
  beast::error_code ec;
  socket.non_blocking(true, ec);
  // Read what already arrived (a request sent with the connect): closing
  // with unread bytes would reset the connection and lose the 503. Best
  // effort, never blocking; the connection is not kept.
  std::array<char, 4096> ignored;
  socket.read_some(net::buffer(ignored), ec);
  socket.write_some(net::buffer(busy.data(), busy.size()), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

} // namespace actodo::web
