#include "bench/ws_client.hpp"

namespace actodo::bench {

ws_client::ws_client(net::io_context& ioc, tcp::endpoint server,
                     const user& who, ws_listener& listener, size_t index)
  : ws_(ioc), server_(server), user_(who), listener_(listener), index_(index) {}

void ws_client::open() {
  opened_at = clock_type::now();
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  tcp_layer.expires_after(std::chrono::seconds{30});
  tcp_layer.async_connect(server_, [this](beast::error_code ec) {
    if (ec)
      return listener_.on_failure(*this, ec, "ws_connect");
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay{true});
    ws_.set_option(
      websocket::stream_base::decorator([this](websocket::request_type& req) {
        if (!user_.token.empty())
          req.set(http::field::authorization, "Bearer " + user_.token);
      }));
    ws_.async_handshake(
      "127.0.0.1", "/api/v1/ws", [this](beast::error_code ec) {
        if (ec)
          return listener_.on_failure(*this, ec, "ws_handshake");
        beast::get_lowest_layer(ws_).expires_never();
        open_ = true;
        listener_.on_open(*this);
        do_read();
      });
  });
}

void ws_client::do_read() {
  ws_.async_read(buffer_, [this](beast::error_code ec, size_t) {
    if (ec) {
      open_ = false;
      if (!closing_)
        listener_.on_failure(*this, ec, "ws_read");
      return;
    }
    auto data = buffer_.cdata();
    listener_.on_frame(*this,
                       std::string_view{static_cast<const char*>(data.data()),
                                        data.size()});
    buffer_.consume(buffer_.size());
    do_read();
  });
}

void ws_client::close() {
  closing_ = true;
  open_ = false;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

} // namespace actodo::bench
