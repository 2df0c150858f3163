#include "web/http_session.hpp"

#include <charconv>

#include "web/echo_session.hpp"
#include "web/router.hpp"
#include "web/websocket_session.hpp"

namespace actodo::web {

namespace {

/// Converts Beast's request into the router's.
std::optional<http_response> convert(const http::request<http::string_body>& in,
                                     http_request& out) {
  out.method = std::string{in.method_string()};
  auto target = std::string_view{in.target().data(), in.target().size()};
  auto q = target.find('?');
  if (!url_decode(target.substr(0, q), out.path, false))
    return problem(400, "malformed percent-encoding in the path");
  if (q != std::string_view::npos
      && !parse_query(target.substr(q + 1), out.query))
    return problem(400, "malformed percent-encoding in the query");
  for (auto& field : in) {
    auto name = std::string{field.name_string()};
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string{field.value()});
  }
  out.body = in.body();
  return std::nullopt;
}

} // namespace

http_session::http_session(tcp::socket&& socket, const settings& cfg,
                           router& routes, actors::gateway& gate,
                           session_registry& registry)
  : stream_(std::move(socket)),
    cfg_(cfg),
    router_(routes),
    gate_(gate),
    registry_(registry) {}

void http_session::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&http_session::do_read,
                                          shared_from_this()));
}

void http_session::do_read() {
  head_ = false;
  version_ = 11;
  parser_.emplace();
  parser_->body_limit(cfg_.body_limit);
  parser_->header_limit(static_cast<std::uint32_t>(cfg_.header_limit));
  stream_.expires_after(cfg_.read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read,
                                             shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream)
    return do_close();
  if (ec == http::error::body_limit) {
    keep_alive_ = false;
    return send(problem(413, "the body exceeds "
                               + std::to_string(cfg_.body_limit) + " bytes"));
  }
  if (ec == http::error::header_limit) {
    keep_alive_ = false;
    return send(problem(431, "the request header is too large"));
  }
  if (ec == beast::error::timeout)
    return do_close();
  if (ec) {
    if (ec.category() == make_error_code(http::error::bad_target).category()
        || ec == http::error::partial_message) {
      keep_alive_ = false;
      return send(problem(400, "malformed HTTP request: " + ec.message()));
    }
    return fail(ec, "http read");
  }
  // The actors answer within their own timeout; the write gets its own.
  stream_.expires_never();
  auto req = parser_->release();
  keep_alive_ = req.keep_alive();
  version_ = req.version();
  head_ = req.method() == http::verb::head;
  if (websocket::is_upgrade(req))
    return upgrade(std::move(req));
  http_request in;
  if (auto err = convert(req, in))
    return send(std::move(*err));
  beast::error_code ignored;
  in.remote = stream_.socket().remote_endpoint(ignored).address().to_string();
  // The router answers from a CAF thread: hop back onto our strand.
  router_.handle(in, [self = shared_from_this()](http_response res) {
    net::post(self->stream_.get_executor(),
              [self, res = std::move(res)]() mutable {
                self->send(std::move(res));
              });
  });
}

void http_session::upgrade(http::request<http::string_body> req) {
  http_request in;
  if (auto err = convert(req, in))
    return send(std::move(*err));
  if (in.path == "/diag/ws-echo" && cfg_.ws_echo) {
    stream_.expires_never();
    std::make_shared<echo_session>(stream_.release_socket(), cfg_)
      ->run(std::move(req));
    return;
  }
  if (in.path != "/api/v1/ws")
    return send(problem(404, "no WebSocket endpoint at " + in.path));
  actors::session_options opts;
  opts.max_replay = static_cast<int64_t>(cfg_.ws_queue_limit / 2);
  std::string_view token;
  for (auto& [key, value] : in.query) {
    if (key == "access_token") {
      token = value; // Browsers cannot set headers on WebSocket upgrades.
      continue;
    }
    if (key != "after")
      return send(problem(400, "unknown parameter", key));
    auto res = std::from_chars(value.data(), value.data() + value.size(),
                               opts.after);
    if (res.ec != std::errc{} || res.ptr != value.data() + value.size()
        || opts.after < 0)
      return send(problem(400, "must be a non-negative integer", "after"));
  }
  std::string user;
  if (auto err = router_.authenticate(in, token, user, opts.expires_ms))
    return send(std::move(*err));
  // The WebSocket has its own timeouts.
  stream_.expires_never();
  std::make_shared<websocket_session>(stream_.release_socket(), cfg_, gate_,
                                      registry_)
    ->run(std::move(req), std::move(user), opts);
}

void http_session::send(http_response res) {
  auto msg = std::make_shared<http::response<http::string_body>>(
    static_cast<http::status>(res.status), version_);
  msg->set(http::field::server, "actodo");
  for (auto& [name, value] : res.headers)
    msg->set(name, value);
  if (!res.content_type.empty())
    msg->set(http::field::content_type, res.content_type);
  msg->keep_alive(keep_alive_);
  msg->body() = std::move(res.body);
  msg->prepare_payload();
  if (head_)
    msg->body().clear();
  response_ = msg;
  stream_.expires_after(cfg_.read_timeout);
  http::async_write(stream_, *msg,
                    beast::bind_front_handler(&http_session::on_write,
                                              shared_from_this(),
                                              msg->need_eof()));
}

void http_session::on_write(bool close, beast::error_code ec, std::size_t) {
  if (ec)
    return fail(ec, "http write");
  response_.reset();
  if (close)
    return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

} // namespace actodo::web
