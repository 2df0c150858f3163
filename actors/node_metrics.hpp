#pragma once

#include <memory>

#include "actors/actor_metrics.hpp"
#include "actors/journal_metrics.hpp"
#include "actors/list_metrics.hpp"
#include "actors/reminder_metrics.hpp"
#include "actors/session_metrics.hpp"
#include "config/metrics.hpp"

namespace actodo::actors {

/// The metrics of a node's actors, one struct per concern; each actor gets
/// only its own (the journal `journal`, the directory `lists`, ...) and
/// every actor counts its messages in `messages`. Only the console's
/// inspector, which shows them all, gets the whole bundle.
struct node_metrics {
  /// Registers, in this order (the order of `/metrics`): WebSocket
  /// sessions, live actors by kind (`actodo_actors{kind}`: the resident
  /// `todo_list`s and the open sessions), messages per kind, todo_lists,
  /// journal, reminders.
  explicit node_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of their own (tests, `node_settings`' default).
  node_metrics();

  std::shared_ptr<config::registry> registry;
  std::shared_ptr<session_metrics> sessions;
  std::shared_ptr<actor_metrics> messages;
  std::shared_ptr<list_metrics> lists;
  std::shared_ptr<journal_metrics> journal;
  std::shared_ptr<reminder_metrics> reminders;
};

} // namespace actodo::actors
