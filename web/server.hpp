#pragma once

#include <memory>
#include <string>

#include "actors/gateway.hpp"
#include "web/gateways.hpp"
#include "web/settings.hpp"

namespace actodo::web {

/// HTTP and WebSocket on one port: owns the io_context and its threads.
/// Beast stays inside web/; callers see only this class.
class server {
 public:
  /// A null member of `more` makes its routes answer 503.
  server(settings cfg, actors::gateway& gate, service_gateways more = {});
  ~server();

  /// Binds and starts serving; returns the bound port, or an error message.
  bool start(std::string& error);

  uint16_t port() const;

  /// Stops accepting, stops the session actors, joins the io threads.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actodo::web
