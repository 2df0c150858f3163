#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "actors/gateway.hpp"
#include "web/beast.hpp"
#include "web/connection_limit.hpp"
#include "web/settings.hpp"

namespace actodo::web {

class router;
class session_registry;

/// Accepts connections and starts an `http_session` on its own strand for
/// each of them.
class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, const settings& cfg, router& routes,
           actors::gateway& gate, session_registry& registry,
           connection_limit& slots);

  /// Binds and listens; the error names what failed.
  beast::error_code open(const tcp::endpoint& endpoint);

  tcp::endpoint local_endpoint() const;

  void run();

  /// Stops accepting (call on any thread before stopping the io_context).
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  /// Out of descriptors (or another accept error): wait, then accept again;
  /// logs once per interval instead of once per attempt.
  void back_off(beast::error_code ec);
  /// Beyond `--max-connections`: a short 503 and close, never queued.
  static void refuse(tcp::socket& socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  const settings& cfg_;
  router& router_;
  actors::gateway& gate_;
  session_registry& registry_;
  connection_limit& slots_;
  net::steady_timer retry_;
  std::chrono::steady_clock::time_point last_log_{};
  size_t unlogged_ = 0;
};

} // namespace actodo::web
