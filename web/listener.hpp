#pragma once

#include <memory>

#include "actors/gateway.hpp"
#include "web/beast.hpp"
#include "web/settings.hpp"

namespace actodo::web {

class router;
class session_registry;

/// Accepts connections and starts an `http_session` on its own strand for
/// each of them.
class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, const settings& cfg, router& routes,
           actors::gateway& gate, session_registry& registry);

  /// Binds and listens; the error names what failed.
  beast::error_code open(const tcp::endpoint& endpoint);

  tcp::endpoint local_endpoint() const;

  void run();

  /// Stops accepting (call on any thread before stopping the io_context).
  void stop();

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  const settings& cfg_;
  router& router_;
  actors::gateway& gate_;
  session_registry& registry_;
};

} // namespace actodo::web
