#include "actors/node_metrics.hpp"

namespace actodo::actors {

node_metrics::node_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)) {
  sessions = std::make_shared<session_metrics>(registry);
  auto& live = registry->add("actodo_actors", "Live actors by kind.",
                             config::metric_type::gauge);
  auto& resident = live.at(config::label("kind", "todo_list"));
  live.show(config::label("kind", "session"), sessions->sessions);
  messages = std::make_shared<actor_metrics>(registry);
  lists = std::make_shared<list_metrics>(registry, resident);
  journal = std::make_shared<journal_metrics>(registry);
  reminders = std::make_shared<reminder_metrics>(registry);
}

node_metrics::node_metrics()
  : node_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::actors
