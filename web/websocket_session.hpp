#pragma once

#include <deque>
#include <memory>
#include <string>

#include "actors/gateway.hpp"
#include "web/beast.hpp"
#include "web/coalescing_stream.hpp"
#include "web/rate_limiter.hpp"
#include "web/settings.hpp"

namespace actodo::web {

class session_registry;
class socket_sink;

/// One WebSocket connection (Beast side). Frames from the session actor are
/// posted onto this connection's strand and written one at a time from a
/// bounded queue (the frames of a burst leave in one socket write, see
/// `coalescing_stream`); a client that falls behind by more than the caps
/// (frames, bytes per socket, bytes for all sockets of the user) is closed with
/// 1008 (policy violation) instead of growing memory.
class websocket_session
  : public std::enable_shared_from_this<websocket_session> {
 public:
  /// `slot`: the connection's `--max-connections` slot; `limiter`: the
  /// per-user token buckets command frames draw from (null: unlimited).
  websocket_session(tcp::socket&& socket, std::shared_ptr<void> slot,
                    const settings& cfg, actors::gateway& gate,
                    session_registry& registry, rate_limiter* limiter);

  ~websocket_session();

  /// Accepts the upgrade and spawns the session actor for `user`.
  void run(http::request<http::string_body> req, std::string user,
           actors::session_options opts);

  /// Queues a frame; must run on the strand.
  void send(std::string frame);
  /// Queues a frame shared with other sessions (not copied).
  void send(std::shared_ptr<const std::string> frame);

  /// Sends what is queued, then starts the close handshake; must run on the
  /// strand.
  void close(uint16_t code, std::string reason);

  /// Drops what is queued and closes (a client that does not keep up).
  void drop(uint16_t code, std::string reason);

  /// Stops the session actor (any thread; used at shutdown).
  void detach();

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void do_close();
  /// Refuses a command frame beyond the user's rate (error frame, 429).
  void throttled(long retry_after);
  /// Decodes a command frame and hands it to the session actor; a frame
  /// that does not decode is answered with an `error` frame.
  void submit(actors::gateway::session_link& link, const std::string& text);
  /// Moves `n` bytes into (positive) or out of the queue accounting.
  void account(int64_t n);
  /// Returns freed memory to the OS a second from now (coalesced).
  static void schedule_trim(const net::any_io_executor& exec);

  /// Frames queued while a socket write is in flight go out together.
  websocket::stream<coalescing_stream<beast::tcp_stream>> ws_;
  std::shared_ptr<void> slot_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  /// Bytes in `queue_`, the most there ever were, and the user's total.
  int64_t queued_bytes_ = 0;
  int64_t peak_bytes_ = 0;
  std::shared_ptr<std::atomic<int64_t>> user_bytes_;
  rate_limiter* limiter_;
  const settings& cfg_;
  actors::gateway& gate_;
  session_registry& registry_;
  std::shared_ptr<actors::gateway::session_link> link_;
  std::shared_ptr<socket_sink> sink_;
  std::string user_;
  actors::session_options opts_;
  bool closing_ = false;
  bool counted_ = false;
  websocket::close_reason close_reason_;
};

} // namespace actodo::web
