#include "web/echo_session.hpp"

#include "web/close_codes.hpp"

namespace actodo::web {

echo_session::echo_session(tcp::socket&& socket, std::shared_ptr<void> slot,
                           const settings& cfg)
  : ws_(std::move(socket)), slot_(std::move(slot)) {
  ws_.read_message_max(cfg.ws_max_message);
  answer_bad_close_codes(ws_, nullptr);
  if (cfg.ws_deflate) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws_.set_option(pmd);
  }
}

void echo_session::run(http::request<http::string_body> req) {
  ws_.set_option(
    websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.async_accept(req, beast::bind_front_handler(&echo_session::on_accept,
                                                  shared_from_this()));
}

void echo_session::on_accept(beast::error_code ec) {
  if (ec)
    return fail(ec, "echo accept");
  do_read();
}

void echo_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&echo_session::on_read,
                                                    shared_from_this()));
}

void echo_session::on_read(beast::error_code ec, std::size_t) {
  if (ec)
    return fail(ec, "echo read");
  ws_.text(ws_.got_text());
  ws_.async_write(buffer_.data(),
                  beast::bind_front_handler(&echo_session::on_write,
                                            shared_from_this()));
}

void echo_session::on_write(beast::error_code ec, std::size_t) {
  if (ec)
    return fail(ec, "echo write");
  buffer_.consume(buffer_.size());
  do_read();
}

} // namespace actodo::web
