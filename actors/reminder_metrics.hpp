#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::actors {

/// Reminders and recurrence: the reminder scheduler's due-time index, its
/// catch-up backlog and the reminders fired, plus the next occurrences the
/// `todo_list`s generate.
struct reminder_metrics {
  /// Registers the `actodo_reminder*` and `actodo_occurrences_*` families in
  /// `reg`.
  explicit reminder_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests).
  reminder_metrics();

  /// Owns the series below.
  std::shared_ptr<config::registry> registry;
  /// Entries of the due-time index (todos with a pending wake).
  config::gauge& pending;
  /// Reminders fired (`todo.reminder.due` events).
  config::gauge& fired;
  /// Wakes waiting for the catch-up rate after a restart.
  config::gauge& backlog;
  /// From a reminder's instant to its durable firing.
  config::histogram& lateness_seconds;
  /// Next occurrences of recurring todos created (by the `todo_list`s).
  config::gauge& occurrences_generated;
};

} // namespace actodo::actors
