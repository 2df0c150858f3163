#include "actors/actor_metrics.hpp"

#include <string>

namespace actodo::actors {

const char* to_string(actor_kind x) {
  static constexpr const char* names[] = {
    "todo_list",          "session",  "journal",  "user_directory",
    "reminder_scheduler", "accounts", "inspector"};
  return names[static_cast<size_t>(x)];
}

actor_metrics::actor_metrics(std::shared_ptr<config::registry> reg)
  : registry_(std::move(reg)) {
  auto& messages = registry_->add("actodo_actor_messages_total",
                                  "Messages handled, by actor kind.",
                                  config::metric_type::counter);
  auto& depth = registry_->add(
    "actodo_actor_mailbox_depth",
    "Mailbox depth an actor of the kind saw last (sampled).",
    config::metric_type::gauge);
  for (size_t i = 0; i < actor_kind_count; ++i) {
    auto kind = config::label("kind", to_string(static_cast<actor_kind>(i)));
    handled_[i] = &messages.at(kind);
    depth_[i] = &depth.at(kind);
  }
}

actor_metrics::actor_metrics()
  : actor_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::actors
