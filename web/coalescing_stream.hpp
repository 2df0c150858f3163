#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/saved_handler.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace actodo::web {

/// A stream layer under `websocket::stream` that sends the frames written
/// while a socket write is in flight together, with the next single write:
/// a burst of frames to one client costs one system call and one TCP
/// segment train instead of one per frame (issue #14, fan-out).
///
/// A write is copied and completes at once while fewer than `limit` bytes
/// wait; the write that reaches `limit` completes only when those bytes are
/// handed to the kernel. So a client that does not read still backs up the
/// writer's own queue (and its limits) and this layer holds at most
/// `limit` plus one write waiting and one in flight. An idle stream keeps no
/// buffer. A failed socket write fails every later write. The WebSocket
/// teardown sends everything accepted first (and no cork holds it back
/// after that), so a close frame is never cut off.
///
/// Like every Asio stream: one write and one read at a time (Beast's
/// websocket stream guarantees that), all calls on the stream's executor (a
/// strand). The next layer and the buffers live in a shared state that the
/// socket write in flight keeps alive, so the stream may be destroyed with
/// a write outstanding: the destructor closes the socket and the write ends
/// with `operation_aborted`.
template<class NextLayer>
class coalescing_stream {
 public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;

  /// Bytes that may wait before a write is held back.
  static constexpr std::size_t default_limit = 16 * 1024;

  template<class... Args>
  explicit coalescing_stream(Args&&... args)
    : state_(std::make_shared<state>(std::forward<Args>(args)...)) {}

  coalescing_stream(const coalescing_stream&) = delete;
  coalescing_stream& operator=(const coalescing_stream&) = delete;

  ~coalescing_stream() {
    state_->gone = true;
    boost::beast::close_socket(boost::beast::get_lowest_layer(state_->next));
  }

  executor_type get_executor() noexcept {
    return state_->next.get_executor();
  }

  next_layer_type& next_layer() noexcept {
    return state_->next;
  }

  const next_layer_type& next_layer() const noexcept {
    return state_->next;
  }

  void limit(std::size_t bytes) {
    state_->limit = bytes;
  }

  /// While corked, writes only gather (up to `limit`); uncorking sends
  /// them. A writer that knows more frames follow corks for them, so a
  /// burst leaves in one socket write instead of alternating with its
  /// own completions. Uncork before a close: a close frame waits for its
  /// answer, and a corked one would never leave. After a teardown began,
  /// corking has no effect.
  void cork(bool on) {
    auto& st = *state_;
    st.corked = on && !st.draining;
    if (!st.corked && !st.flushing && !st.pending.empty())
      flush(state_);
  }

  /// Whether nothing waits and no socket write is in flight.
  bool idle() const {
    return !state_->flushing && state_->pending.empty();
  }

  /// Bytes accepted and not yet handed to the kernel.
  std::size_t buffered() const {
    return state_->pending.size() + state_->sending.size();
  }

  /// Socket writes made so far (each carries one or more frames).
  std::size_t flushes() const {
    return state_->flushes;
  }

  template<class MutableBufferSequence, class ReadHandler>
  auto
  async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return state_->next.async_read_some(buffers,
                                        std::forward<ReadHandler>(handler));
  }

  template<class ConstBufferSequence, class WriteHandler>
  auto
  async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<
      WriteHandler, void(boost::system::error_code, std::size_t)>(
      [this](auto handler, const ConstBufferSequence& buffers) {
        accept(buffers, std::move(handler));
      },
      handler, buffers);
  }

  /// Sends everything accepted, for good (later corks are ignored), then
  /// runs `fn()`; at once when idle. For the WebSocket teardown.
  template<class Nullary>
  void after_flush(Nullary&& fn) {
    state_->draining = true;
    cork(false);
    if (idle())
      return fn();
    state_->waiting()->after_flush.emplace(std::forward<Nullary>(fn));
  }

 private:
  /// Who waits for the socket write in flight. Only that write's
  /// completion owns them: if it never runs (the io_context is destroyed
  /// first), they go with it instead of keeping their sessions alive
  /// through this stream.
  struct waiters {
    /// The write that reached `limit`, completed after the flush.
    boost::beast::saved_handler held;
    boost::beast::saved_handler after_flush;
  };

  struct state {
    template<class... Args>
    explicit state(Args&&... args) : next(std::forward<Args>(args)...) {}

    next_layer_type next;
    std::string pending;
    std::string sending;
    boost::system::error_code error;
    bool flushing = false;
    bool corked = false;
    bool draining = false;
    /// The stream was destroyed: nobody waits any more.
    bool gone = false;
    std::size_t limit = default_limit;
    std::size_t flushes = 0;
    /// Owned by the completion of the write in flight.
    std::weak_ptr<waiters> in_flight;

    /// The waiters of the write in flight (there is one while `flushing`).
    std::shared_ptr<waiters> waiting() {
      return in_flight.lock();
    }
  };

  template<class ConstBufferSequence, class Handler>
  void accept(const ConstBufferSequence& buffers, Handler handler) {
    auto& st = *state_;
    auto n = boost::asio::buffer_size(buffers);
    if (st.error) {
      return boost::asio::post(get_executor(),
                               boost::beast::bind_front_handler(
                                 std::move(handler), st.error, std::size_t{0}));
    }
    auto at = st.pending.size();
    st.pending.resize(at + n);
    boost::asio::buffer_copy(boost::asio::buffer(st.pending.data() + at, n),
                             buffers);
    if (!st.flushing && !st.pending.empty()
        && (!st.corked || st.pending.size() >= st.limit))
      flush(state_);
    if (st.pending.size() < st.limit) {
      return boost::asio::post(
        get_executor(), boost::beast::bind_front_handler(
                          std::move(handler), boost::system::error_code{}, n));
    }
    // Invoked by `on_sent` (on the stream's executor) or destroyed with
    // the write in flight.
    state_->waiting()->held.emplace(
      [handler = std::move(handler), n, &st]() mutable {
        auto ec = st.error;
        std::move(handler)(ec, ec ? 0 : n);
      });
  }

  /// Sends what is pending as one write.
  static void flush(const std::shared_ptr<state>& sp) {
    auto& st = *sp;
    auto w = st.waiting();
    if (!w) {
      w = std::make_shared<waiters>();
      st.in_flight = w;
    }
    st.flushing = true;
    st.sending.swap(st.pending);
    ++st.flushes;
    boost::asio::async_write(st.next, boost::asio::buffer(st.sending),
                             [sp, w](boost::system::error_code ec,
                                     std::size_t) { on_sent(sp, *w, ec); });
  }

  static void on_sent(const std::shared_ptr<state>& sp, waiters& w,
                      boost::system::error_code ec) {
    auto& st = *sp;
    std::string{}.swap(st.sending);
    if (ec && !st.error)
      st.error = ec;
    if (st.gone) {
      w.held.reset();
      w.after_flush.reset();
      return;
    }
    if (!st.error && !st.pending.empty()
        && (!st.corked || st.pending.size() >= st.limit)) {
      // The next write takes over the waiters (`w` stays alive until this
      // handler returns).
      flush(sp);
    } else {
      st.flushing = false;
      if (st.error)
        std::string{}.swap(st.pending);
    }
    if (w.held.has_value())
      w.held.invoke();
    if (!st.flushing && w.after_flush.has_value())
      w.after_flush.invoke();
  }

  std::shared_ptr<state> state_;
};

/// Beast's WebSocket close: send what waits, then tear the next layer down.
template<class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role,
                    coalescing_stream<NextLayer>& stream,
                    TeardownHandler&& handler) {
  stream.after_flush(
    [role, &stream,
     handler = std::forward<TeardownHandler>(handler)]() mutable {
      using boost::beast::websocket::async_teardown;
      async_teardown(role, stream.next_layer(), std::move(handler));
    });
}

/// The blocking close is not used with this layer (it would drop what
/// waits); it tears the next layer down as it is.
template<class NextLayer>
void teardown(boost::beast::role_type role,
              coalescing_stream<NextLayer>& stream,
              boost::system::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

} // namespace actodo::web
