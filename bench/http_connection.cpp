#include "bench/http_connection.hpp"

namespace actodo::bench {

http_connection::http_connection(net::io_context& ioc, tcp::endpoint server,
                                 const user& who, http_listener& listener,
                                 size_t index)
  : stream_(ioc), server_(server), listener_(listener), index_(index) {
  req_.version(11);
  req_.keep_alive(true);
  req_.set(http::field::host, "127.0.0.1");
  act_as(who);
}

void http_connection::act_as(const user& who) {
  if (who.token.empty())
    req_.erase(http::field::authorization);
  else
    req_.set(http::field::authorization, "Bearer " + who.token);
}

void http_connection::send(http::verb method, std::string_view target,
                           std::string body, bool prefer_wait) {
  busy_ = true;
  req_.method(method);
  req_.target(beast::string_view{target.data(), target.size()});
  if (prefer_wait)
    req_.set("Prefer", "wait=5");
  else
    req_.erase("Prefer");
  if (body.empty()) {
    req_.erase(http::field::content_type);
  } else {
    req_.set(http::field::content_type, "application/json");
  }
  req_.body() = std::move(body);
  req_.prepare_payload();
  stream_.expires_after(std::chrono::seconds{30});
  if (connected_) {
    do_write();
    return;
  }
  stream_.async_connect(server_, [this](beast::error_code ec) {
    if (ec)
      return on_done(ec, "connect");
    connected_ = true;
    stream_.socket().set_option(tcp::no_delay{true});
    do_write();
  });
}

void http_connection::do_write() {
  http::async_write(stream_, req_, [this](beast::error_code ec, size_t) {
    if (ec)
      return on_done(ec, "write");
    res_ = {};
    http::async_read(stream_, buffer_, res_,
                     [this](beast::error_code ec, size_t) {
                       on_done(ec, "read");
                     });
  });
}

void http_connection::on_done(beast::error_code ec, const char* what) {
  busy_ = false;
  if (ec) {
    // Start over with a fresh connection on the next send.
    beast::error_code ignored;
    stream_.socket().close(ignored);
    connected_ = false;
    buffer_.clear();
  } else if (!res_.keep_alive()) {
    stream_.socket().close(ec);
    connected_ = false;
    ec = {};
  }
  listener_.on_response(*this, ec, what, res_);
}

void http_connection::close() {
  beast::error_code ignored;
  stream_.socket().close(ignored);
  connected_ = false;
}

} // namespace actodo::bench
