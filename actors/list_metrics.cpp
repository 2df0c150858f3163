#include "actors/list_metrics.hpp"

namespace actodo::actors {

list_metrics::list_metrics(std::shared_ptr<config::registry> reg,
                           config::gauge& live)
  : registry(std::move(reg)),
    resident(live),
    spawned(
      registry->add_counter("actodo_todo_lists_spawned_total",
                            "todo_list actors spawned (first use or reload).")),
    passivated(registry->add_counter("actodo_todo_lists_passivated_total",
                                     "Idle todo_list actors passivated.")) {}

} // namespace actodo::actors
