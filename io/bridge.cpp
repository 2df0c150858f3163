#include "io/bridge.hpp"

#include <iostream>

#include "caf/exit_reason.hpp"

#include "io/kafka_egress.hpp"
#include "io/kafka_gateway.hpp"
#include "io/kafka_ingress.hpp"

namespace actodo::io {

bridge::bridge(caf::actor_system& sys, actors::journal_actor journal,
               actors::user_directory_actor directory, actors::gateway& inner,
               kafka_settings settings, std::shared_ptr<config::metrics> stats,
               caf::timespan timeout)
  : inner_(&inner) {
  egress_ = caf::actor_cast<caf::actor>(
    sys.spawn<caf::detached>(kafka_egress, journal, settings, stats, timeout));
  ingress_ = caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(
    kafka_ingress, directory, settings, stats, timeout));
  if (settings.route_http) {
    auto producer = make_producer(settings, "actodo-gateway", nullptr,
                                  &kafka_gateway::on_delivery);
    if (producer)
      routed_ = std::make_unique<kafka_gateway>(inner, settings,
                                                std::move(*producer));
    else
      std::cerr << "actodo: " << caf::to_string(producer.error()) << '\n';
  }
}

bridge::~bridge() {
  shutdown();
}

actors::gateway& bridge::gate() {
  return routed_ ? *routed_ : *inner_;
}

void bridge::shutdown() {
  routed_.reset();
  for (auto hdl : {&ingress_, &egress_})
    if (*hdl) {
      caf::anon_send_exit(*hdl, caf::exit_reason::user_shutdown);
      *hdl = nullptr;
    }
}

} // namespace actodo::io
