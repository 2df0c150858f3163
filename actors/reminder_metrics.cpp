#include "actors/reminder_metrics.hpp"

namespace actodo::actors {

reminder_metrics::reminder_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)),
    pending(registry->add_gauge(
      "actodo_reminders_pending",
      "Todos in the due-time index (a reminder or series to wake).")),
    fired(registry->add_counter("actodo_reminders_fired_total",
                                "Reminders fired (todo.reminder.due events).")),
    backlog(registry->add_gauge(
      "actodo_reminders_backlog",
      "Missed wakes queued for the rate-limited catch-up.")),
    lateness_seconds(registry->add_histogram(
      "actodo_reminder_lateness_seconds",
      "Time from a reminder's instant to its durable firing.",
      {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60})),
    occurrences_generated(
      registry->add_counter("actodo_occurrences_generated_total",
                            "Next occurrences of recurring todos created.")) {}

reminder_metrics::reminder_metrics()
  : reminder_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::actors
