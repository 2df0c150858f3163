#include "web/websocket_session.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "actors/record_codec.hpp"
#include "config/error.hpp"
#include "config/heap.hpp"
#include "web/close_codes.hpp"
#include "web/command_frame.hpp"
#include "web/outcome_codec.hpp"
#include "web/session_registry.hpp"

namespace actodo::web {

/// The session actor's view of this socket: holds only a weak reference and
/// posts onto the connection's strand. The session actor may outlive the
/// io_context (actors stop after the web server at shutdown), so the strand
/// executor is dropped when the socket's session ends, while its
/// io_context still exists.
class socket_sink : public actors::frame_sink {
 public:
  using executor_type = net::any_io_executor;

  socket_sink(std::weak_ptr<websocket_session> session, executor_type exec)
    : session_(std::move(session)), exec_(std::move(exec)) {}

  void send(actors::shared_frame frame) override {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!exec_ || !frame.text)
      return;
    net::post(*exec_, [w = session_, f = std::move(frame.text)]() mutable {
      if (auto s = w.lock())
        s->send(std::move(f));
    });
  }

  void outcome(const std::string& request_id,
               const actors::command_outcome& x) override {
    if (!x.request_id.empty())
      return send(actors::shared_frame{result_frame(x)});
    send(
      actors::shared_frame{error_frame(request_id, status_of(x), body_of(x))});
  }

  void error(const std::string& request_id, const caf::error& err,
             const std::string& field) override {
    // A stream that cannot start (a resume gap) is the client's to fix;
    // a command that did not reach its list may be retried.
    auto status = err == ec::limit_exceeded ? 409 : 503;
    auto detail = status == 409 ? describe(err)
                                : "command not applied: " + describe(err);
    send(actors::shared_frame{error_frame(
      request_id, status, actors::records::problem(status, detail, field))});
  }

  void close(uint16_t code, std::string reason) override {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!exec_)
      return;
    net::post(*exec_, [w = session_, code, r = std::move(reason)]() mutable {
      if (auto s = w.lock())
        s->close(code, std::move(r));
    });
  }

  /// The socket's session ends: nothing more to post.
  void release() {
    std::lock_guard<std::mutex> guard{mtx_};
    exec_.reset();
  }

 private:
  std::weak_ptr<websocket_session> session_;
  std::mutex mtx_;
  std::optional<executor_type> exec_;
};

websocket_session::websocket_session(tcp::socket&& socket,
                                     std::shared_ptr<void> slot,
                                     const settings& cfg, actors::gateway& gate,
                                     session_registry& registry,
                                     rate_limiter* limiter)
  : ws_(std::move(socket)),
    slot_(std::move(slot)),
    limiter_(limiter),
    cfg_(cfg),
    gate_(gate),
    registry_(registry) {}

websocket_session::~websocket_session() {
  if (counted_)
    cfg_.sessions->sessions.add(-1);
  account(-queued_bytes_);
  registry_.remove(this);
  detach();
  if (sink_)
    sink_->release();
  // A session that buffered megabytes for a slow reader leaves freed pages
  // in malloc's arenas; give them back to the OS.
  if (peak_bytes_ >= 1024 * 1024)
    schedule_trim(ws_.get_executor());
}

void websocket_session::schedule_trim(const net::any_io_executor& exec) {
  // At most one trim a second, however many sessions end: it walks the
  // heap under the arena locks.
  static std::atomic<bool> scheduled{false};
  if (scheduled.exchange(true))
    return;
  auto timer = std::make_shared<net::steady_timer>(exec,
                                                   std::chrono::seconds(1));
  timer->async_wait([timer](beast::error_code) {
    scheduled = false;
    config::release_heap_async();
  });
}

void websocket_session::account(int64_t n) {
  queued_bytes_ += n;
  peak_bytes_ = std::max(peak_bytes_, queued_bytes_);
  if (user_bytes_)
    user_bytes_->fetch_add(n);
}

void websocket_session::detach() {
  if (auto link = std::atomic_exchange(&link_, {}))
    link->close();
}

void websocket_session::run(http::request<http::string_body> req,
                            std::string user, actors::session_options opts) {
  user_ = std::move(user);
  opts_ = opts;
  user_bytes_ = registry_.queued_bytes(user_);
  ws_.set_option(
    websocket::stream_base::timeout::suggested(beast::role_type::server));
  if (cfg_.ws_deflate) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    ws_.set_option(pmd);
  }
  ws_.read_message_max(cfg_.ws_max_message);
  answer_bad_close_codes(ws_, [this] {
    return !queue_.empty() || !ws_.next_layer().idle();
  });
  ws_.set_option(
    websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "actodo");
    }));
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept,
                                                  shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec)
    return fail(ec, "ws accept");
  registry_.add(this, weak_from_this());
  cfg_.sessions->sessions.add();
  counted_ = true;
  auto sink = sink_ = std::make_shared<socket_sink>(weak_from_this(),
                                                    ws_.get_executor());
  std::atomic_store(&link_, gate_.open_session(user_, opts_, sink));
  do_read();
}

void websocket_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read,
                                                    shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    detach();
    if (ec == websocket::error::message_too_big)
      return close(1009, "message too big");
    return fail(ec, "ws read");
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    return close(1003, "send text frames");
  }
  cfg_.sessions->frames_received.add();
  if (limiter_ != nullptr)
    if (auto wait = limiter_->take(user_); wait > 0) {
      throttled(wait);
      buffer_.consume(buffer_.size());
      return do_read();
    }
  if (auto link = std::atomic_load(&link_))
    submit(*link, beast::buffers_to_string(buffer_.data()));
  buffer_.consume(buffer_.size());
  do_read();
}

void websocket_session::submit(actors::gateway::session_link& link,
                               const std::string& text) {
  actors::command cmd;
  if (auto err = decode_command_frame(text, cmd))
    return send(
      error_frame(cmd.request_id, 400,
                  actors::records::problem(400, err->detail, err->field)));
  link.submit(std::move(cmd));
}

void websocket_session::throttled(long retry_after) {
  auto frame = nlohmann::json::parse(beast::buffers_to_string(buffer_.data()),
                                     nullptr, false);
  nlohmann::json out{{"type", "error"},
                     {"request_id", nullptr},
                     {"status", 429},
                     {"retry_after", retry_after},
                     {"problem",
                      nlohmann::json::parse(actors::records::problem(
                        429, "too many commands; retry after "
                               + std::to_string(retry_after) + " s"))}};
  if (frame.is_object() && frame.contains("request_id")
      && frame["request_id"].is_string())
    out["request_id"] = frame["request_id"];
  send(out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void websocket_session::send(std::string frame) {
  send(std::make_shared<const std::string>(std::move(frame)));
}

void websocket_session::send(std::shared_ptr<const std::string> frame) {
  if (closing_)
    return;
  auto size = static_cast<int64_t>(frame->size());
  // The client does not keep up: drop it rather than buffer forever.
  if (queue_.size() >= cfg_.ws_queue_limit)
    return drop(1008, "outbound queue limit exceeded");
  if (queued_bytes_ + size > static_cast<int64_t>(cfg_.ws_queue_bytes))
    return drop(1008, "outbound queue byte limit exceeded");
  if (user_bytes_
      && user_bytes_->load() + size
           > static_cast<int64_t>(cfg_.ws_user_queue_bytes))
    return drop(1008, "outbound byte limit of the user exceeded");
  account(size);
  queue_.push_back(std::move(frame));
  if (queue_.size() == 1)
    do_write();
}

void websocket_session::do_write() {
  // Gather the queue's frames into one socket write; `on_write` uncorks
  // when the queue is empty, `do_close` for the close frame.
  ws_.next_layer().cork(true);
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  beast::bind_front_handler(&websocket_session::on_write,
                                            shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  if (ec)
    return fail(ec, "ws write");
  account(-static_cast<int64_t>(queue_.front()->size()));
  queue_.pop_front();
  cfg_.sessions->frames_sent.add();
  if (!queue_.empty())
    return do_write();
  ws_.next_layer().cork(false);
  if (closing_)
    do_close();
}

void websocket_session::close(uint16_t code, std::string reason) {
  if (closing_)
    return;
  closing_ = true;
  detach();
  close_reason_ = websocket::close_reason{
    static_cast<websocket::close_code>(code), reason};
  // Frames queued before the close go out first.
  if (queue_.empty())
    do_close();
}

void websocket_session::drop(uint16_t code, std::string reason) {
  if (closing_)
    return;
  cfg_.sessions->dropped.add();
  // The frame being written (the front) must outlive its async_write.
  for (auto i = queue_.size(); i > 1; --i) {
    account(-static_cast<int64_t>(queue_.back()->size()));
    queue_.pop_back();
  }
  close(code, std::move(reason));
}

void websocket_session::do_close() {
  // The close frame waits for the peer's answer: it must not stay gathered.
  ws_.next_layer().cork(false);
  ws_.async_close(close_reason_,
                  [self = shared_from_this()](beast::error_code) {});
}

} // namespace actodo::web
