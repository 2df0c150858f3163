#include "web/http_session.hpp"

#include <exception>
#include <iostream>

#include "web/echo_session.hpp"
#include "web/http_message.hpp"
#include "web/router.hpp"
#include "web/websocket_session.hpp"

namespace actodo::web {

namespace {

constexpr std::size_t drain_chunk = 4096;

/// A place among the uploads read at once (`--imports.max-uploads`), given
/// back when the pointer goes; null when all are taken.
std::shared_ptr<void> take_upload_slot(const settings& cfg) {
  auto counter = cfg.uploads;
  if (counter->fetch_add(1) >= cfg.max_uploads) {
    counter->fetch_sub(1);
    return nullptr;
  }
  // Not null (a null shared_ptr tests false even with a deleter).
  return std::shared_ptr<void>(counter.get(),
                               [counter](void*) { counter->fetch_sub(1); });
}

} // namespace

http_session::http_session(tcp::socket&& socket, std::shared_ptr<void> slot,
                           const settings& cfg, router& routes,
                           actors::gateway& gate, session_registry& registry)
  : stream_(std::move(socket)),
    slot_(std::move(slot)),
    buffer_(cfg.header_limit + 1024),
    cfg_(cfg),
    router_(routes),
    gate_(gate),
    registry_(registry) {
  on_chunk_header_ = [this](std::uint64_t, beast::string_view extensions,
                            beast::error_code& ec) {
    extension_bytes_ += extensions.size();
    if (extension_bytes_ > cfg_.header_limit)
      ec = http::error::header_limit;
  };
}

void http_session::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&http_session::do_read,
                                          shared_from_this()));
}

void http_session::do_read() {
  head_ = false;
  version_ = 11;
  parser_.emplace();
  // Beast checks a Content-Length against the limit as the head ends:
  // the larger one until `on_header` knows whether the route may have it.
  body_limit_ = std::max<std::uint64_t>(cfg_.body_limit, cfg_.upload_limit);
  parser_->body_limit(body_limit_);
  parser_->header_limit(static_cast<std::uint32_t>(cfg_.header_limit));
  parser_->on_chunk_header(on_chunk_header_);
  extension_bytes_ = 0;
  stream_.expires_after(cfg_.read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header,
                                                    shared_from_this()));
}

void http_session::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec || parser_->is_done())
    return on_read(ec, bytes);
  auto& head = parser_->get();
  // Only an authenticated upload gets the upload limit, and the time to
  // send that much.
  auto upload = cfg_.upload_limit > 0 && upload_allowed(head);
  body_limit_ = upload ? cfg_.upload_limit : cfg_.body_limit;
  auto length = parser_->content_length();
  if (length && *length > body_limit_)
    return on_read(http::error::body_limit, bytes);
  if (upload) {
    // Each upload's body is in memory until the job has stored it: a few
    // at once per node.
    upload_slot_ = take_upload_slot(cfg_);
    if (!upload_slot_) {
      keep_alive_ = false;
      auto res = problem(503, "too many imports are being uploaded; retry");
      res.headers.emplace_back("Retry-After", "1");
      return send(std::move(res));
    }
  }
  // A chunked body counts against it as it comes.
  parser_->body_limit(body_limit_);
  if (upload)
    stream_.expires_after(4 * cfg_.read_timeout);
  auto read_body = [self = shared_from_this()] {
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     beast::bind_front_handler(&http_session::on_read, self));
  };
  auto expect = head[http::field::expect];
  if (!expect.empty() && !beast::iequals(expect, "100-continue")) {
    keep_alive_ = false;
    return send(problem(417, "only 100-continue is expected", "Expect"));
  }
  if (expect.empty() || head.version() < 11)
    return read_body();
  // The client waits for this before it sends the body (RFC 9110, 10.1.1).
  auto go_on = std::make_shared<http::response<http::empty_body>>(
    http::status::continue_, 11);
  http::async_write(stream_, *go_on,
                    [self = shared_from_this(), go_on,
                     read_body](beast::error_code wec, std::size_t) {
                      if (wec)
                        return fail(wec, "http write");
                      read_body();
                    });
}

bool http_session::upload_allowed(
  http::request<http::string_body>& head) const {
  auto target = std::string_view{head.target().data(), head.target().size()};
  auto match = find_route(std::string_view{head.method_string().data(),
                                           head.method_string().size()},
                          target.substr(0, target.find('?')));
  if (match.hit == nullptr || !match.hit->upload)
    return false;
  http_request in;
  if (convert(head, in))
    return false;
  std::string user;
  int64_t expires = 0;
  return !router_.authenticate(in, {}, user, expires);
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream)
    return do_close();
  if (ec == http::error::body_limit) {
    keep_alive_ = false;
    return send(
      problem(413, "the body exceeds " + std::to_string(body_limit_) + " bytes",
              "body"));
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    // Also a chunk header, its extensions or the trailer section that
    // outgrow the header limit.
    keep_alive_ = false;
    return send(problem(431, "the request header, chunk extensions or "
                             "trailers exceed "
                               + std::to_string(cfg_.header_limit) + " bytes"));
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
  if (auto err = check_framing(req)) {
    // What follows on this connection cannot be told apart from a body.
    keep_alive_ = false;
    return send(std::move(*err));
  }
  if (websocket::is_upgrade(req))
    return upgrade(std::move(req));
  http_request in;
  if (auto err = convert(req, in))
    return send(std::move(*err));
  in.remote = remote();
  // The router answers from a CAF thread: hop back onto our strand.
  auto respond = [self = shared_from_this()](http_response res) {
    net::post(self->stream_.get_executor(),
              [self, res = std::move(res)]() mutable {
                self->send(std::move(res));
              });
  };
  try {
    router_.handle(std::move(in), respond);
  } catch (const std::exception& ex) {
    // A bug, not the client's fault: answer and keep serving.
    std::cerr << "actodo: http handler: " << ex.what() << '\n';
    keep_alive_ = false;
    send(problem(500, "internal error"));
  }
}

const std::string& http_session::remote() {
  if (remote_.empty()) {
    beast::error_code ignored;
    remote_ = stream_.socket().remote_endpoint(ignored).address().to_string();
  }
  return remote_;
}

void http_session::upgrade(http::request<http::string_body> req) {
  http_request in;
  if (auto err = convert(req, in))
    return send(std::move(*err));
  if (auto err = router_.admit(in))
    return send(std::move(*err));
  in.remote = remote();
  if (auto err = router::throttle(router_.ip_limiter(), in.remote))
    return send(std::move(*err));
  auto echo = in.path == "/diag/ws-echo" && cfg_.ws_echo;
  if (!echo && in.path != "/api/v1/ws")
    return send(problem(404, "no WebSocket endpoint at " + in.path));
  actors::session_options opts;
  opts.max_replay = static_cast<int64_t>(cfg_.ws_queue_limit / 2);
  std::string_view token;
  if (auto err = read_upgrade_query(in.query, echo, token, opts))
    return send(std::move(*err));
  std::string user;
  if (auto err = router_.authenticate(in, token, user, opts.expires_ms))
    return send(std::move(*err));
  if (auto err = router::throttle(router_.user_limiter(), user))
    return send(std::move(*err));
  // The WebSocket has its own timeouts.
  stream_.expires_never();
  if (echo) {
    std::make_shared<echo_session>(stream_.release_socket(), slot_, cfg_)
      ->run(std::move(req));
    return;
  }
  std::make_shared<websocket_session>(stream_.release_socket(), slot_, cfg_,
                                      gate_, registry_, router_.user_limiter())
    ->run(std::move(req), std::move(user), opts);
}

void http_session::send(http_response res) {
  // The request is answered: its body is no longer held here.
  upload_slot_.reset();
  if (res.stream)
    return send_stream(std::move(res));
  auto msg = make_head<http::string_body>(res, version_, keep_alive_);
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

void http_session::send_stream(http_response res) {
  // HTTP/1.0 knows no chunks: the body ends with the connection.
  if (version_ < 11)
    keep_alive_ = false;
  auto msg = make_head<http::empty_body>(res, version_, keep_alive_);
  msg->chunked(version_ >= 11);
  auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*msg);
  response_ = msg;
  stream_.expires_after(cfg_.read_timeout);
  http::async_write_header(stream_, *sr,
                           [self = shared_from_this(), msg, sr,
                            src = std::move(res.stream)](beast::error_code ec,
                                                         std::size_t) {
                             if (ec)
                               return fail(ec, "http write");
                             if (self->head_)
                               return self->on_write(!self->keep_alive_, {}, 0);
                             self->next_piece(src);
                           });
}

void http_session::next_piece(std::shared_ptr<body_stream> src) {
  src->next([self = shared_from_this(), src](bool ok, std::string piece) {
    net::post(self->stream_.get_executor(),
              [self, src, ok, piece = std::move(piece)]() mutable {
                self->write_piece(std::move(src), ok, std::move(piece));
              });
  });
}

void http_session::write_piece(std::shared_ptr<body_stream> src, bool ok,
                               std::string piece) {
  if (!ok) {
    // No last chunk: the client sees a body that did not end.
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    return;
  }
  stream_.expires_after(cfg_.read_timeout);
  auto close = !keep_alive_;
  if (piece.empty() && version_ < 11)
    return on_write(true, {}, 0);
  if (piece.empty()) {
    net::async_write(stream_, http::make_chunk_last(),
                     beast::bind_front_handler(&http_session::on_write,
                                               shared_from_this(), close));
    return;
  }
  auto buf = std::make_shared<std::string>(std::move(piece));
  auto then = [self = shared_from_this(), buf,
               src = std::move(src)](beast::error_code ec, std::size_t) {
    if (ec)
      return fail(ec, "http write");
    self->next_piece(src);
  };
  if (version_ < 11)
    net::async_write(stream_, net::buffer(*buf), std::move(then));
  else
    net::async_write(stream_, http::make_chunk(net::buffer(*buf)),
                     std::move(then));
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
  if (ec)
    return;
  drain_ = std::make_unique<char[]>(drain_chunk);
  stream_.expires_after(cfg_.linger_timeout);
  do_drain();
}

void http_session::do_drain() {
  stream_.async_read_some(net::buffer(drain_.get(), drain_chunk),
                          beast::bind_front_handler(&http_session::on_drain,
                                                    shared_from_this()));
}

void http_session::on_drain(beast::error_code ec, std::size_t bytes) {
  drained_ += bytes;
  // At most 16 request bodies: a client that keeps sending is cut off.
  if (!ec && drained_ <= 16 * cfg_.body_limit)
    return do_drain();
  stream_.socket().close(ec);
}

} // namespace actodo::web
