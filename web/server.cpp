#include "web/server.hpp"

#include <pthread.h>
#include <thread>
#include <vector>

#include "web/connection_limit.hpp"
#include "web/listener.hpp"
#include "web/router.hpp"
#include "web/session_registry.hpp"

namespace actodo::web {

struct server::impl {
  impl(settings c, actors::gateway& gate, service_gateways more)
    : cfg(std::move(c)),
      slots(cfg.max_connections > 0
              ? cfg.max_connections
              : default_max_connections(raise_fd_limit())),
      routes(gate, cfg, more),
      ioc(static_cast<int>(cfg.io_threads)),
      work(net::make_work_guard(ioc)) {
    if (cfg.max_connections > 0)
      raise_fd_limit();
    acceptor = std::make_shared<listener>(ioc, cfg, routes, gate, registry,
                                          slots);
  }

  settings cfg;
  connection_limit slots;
  // Sessions die with the io_context and use the router and the registry:
  // those must outlive it, so they are declared first.
  router routes;
  session_registry registry;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::shared_ptr<listener> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool stopped = false;
};

server::server(settings cfg, actors::gateway& gate, service_gateways more)
  : impl_(std::make_unique<impl>(std::move(cfg), gate, more)) {}

server::~server() {
  stop();
}

bool server::start(std::string& error) {
  auto& d = *impl_;
  beast::error_code ec;
  auto addr = net::ip::make_address(d.cfg.host, ec);
  if (ec) {
    error = "invalid address " + d.cfg.host + ": " + ec.message();
    return false;
  }
  if (auto err = d.acceptor->open(tcp::endpoint{addr, d.cfg.port})) {
    error = "cannot listen on " + d.cfg.host + ":" + std::to_string(d.cfg.port)
            + ": " + err.message();
    return false;
  }
  d.port = d.acceptor->local_endpoint().port();
  d.acceptor->run();
  for (size_t i = 0; i < d.cfg.io_threads; ++i)
    d.threads.emplace_back([&d] {
      ::pthread_setname_np(::pthread_self(), "actodo.io"); // For top and perf.
      d.ioc.run();
    });
  return true;
}

uint16_t server::port() const {
  return impl_->port;
}

void server::stop() {
  auto& d = *impl_;
  if (d.stopped)
    return;
  d.stopped = true;
  d.acceptor->stop();
  d.registry.detach_all();
  d.work.reset();
  d.ioc.stop();
  for (auto& t : d.threads)
    t.join();
  d.threads.clear();
}

} // namespace actodo::web
