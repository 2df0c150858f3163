#include "io/bridge.hpp"

#include <chrono>

#include "caf/exit_reason.hpp"
#include "caf/sec.hpp"

#include "io/kafka_egress.hpp"
#include "io/kafka_gateway.hpp"
#include "io/kafka_ingress.hpp"

namespace actodo::io {

bridge::bridge(caf::actor_system& sys, actors::journal_actor journal,
               actors::user_directory_actor directory, actors::gateway& inner,
               kafka_settings settings, std::shared_ptr<kafka_metrics> stats,
               caf::timespan timeout,
               actors::ownership_listener_actor ownership)
  : inner_(&inner) {
  auto report = [this] {
    auto result = std::make_shared<std::promise<caf::error>>();
    starts_.push_back(result->get_future());
    return result;
  };
  egress_ = caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(
    kafka_egress, journal, settings, stats, timeout, report()));
  ingress_ = caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(
    kafka_ingress, directory, ownership, settings, stats, timeout, report()));
  if (settings.route_http) {
    auto producer = make_producer(settings, "actodo-gateway", nullptr,
                                  &kafka_gateway::on_delivery);
    if (producer)
      routed_ = std::make_unique<kafka_gateway>(inner, settings,
                                                std::move(*producer));
    else
      gateway_error_ = std::move(producer.error());
  }
}

caf::error bridge::started(caf::timespan timeout) {
  if (gateway_error_)
    return gateway_error_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& start : starts_) {
    if (start.wait_until(deadline) != std::future_status::ready)
      return caf::make_error(caf::sec::runtime_error,
                             "kafka: the clients did not start in time");
    try {
      if (auto err = start.get())
        return err;
    } catch (const std::future_error&) { // The actor never started.
      return caf::make_error(caf::sec::runtime_error,
                             "kafka: a client actor ended before starting");
    }
  }
  starts_.clear();
  return caf::none;
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
