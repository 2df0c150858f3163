#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "config/settings.hpp"
#include "io/webhooks/http_poster.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::io::webhooks {

/// What a deliverer needs besides its webhook.
struct deliverer_settings {
  config::webhook_options options;
  actors::journal_actor journal;
  /// Where attempts, cursors and the decision to give up go.
  actors::webhooks_actor parent;
  std::shared_ptr<http_poster> poster;
  /// Events read from the journal per request.
  int64_t page = 100;
  /// Tags what this deliverer reports: the parent drops reports of one it
  /// replaced.
  uint64_t generation = 0;
};

/// Delivers one webhook's events in sequence order, one POST at a time:
/// reads the user's log after its cursor from the journal, skips types the
/// webhook did not ask for, signs each event (Standard Webhooks) and posts
/// it. A 2xx moves the cursor; anything else is retried with exponential
/// backoff and jitter under the same `webhook-id` until `retry_for` has
/// passed since the first failure, then the webhook is disabled. A replay
/// or a change replaces the deliverer.
struct deliverer_state {
  static inline const char* name = "webhook-deliverer";

  actors::deliverer_actor::pointer self = nullptr;
  persistence::webhook_record hook;
  deliverer_settings settings;
  /// The receiver acknowledged (or the patterns skipped) up to here.
  int64_t cursor = 0;
  /// The highest committed sequence heard of; -1: unknown (read to learn).
  int64_t known = -1;
  /// Events read after `cursor`, not delivered yet.
  std::deque<persistence::event_record> queue;
  bool reading = false;
  bool posting = false;
  bool backing_off = false;
  /// Attempts at `queue.front()`; when its first attempt failed.
  int32_t attempt = 0;
  int64_t failing_since_ms = 0;
  std::string key;
  std::mt19937_64 random{std::random_device{}()};

  /// Starts what is next: a read, a POST or nothing (busy or idle).
  void pump();
  void read();
  void post(const persistence::event_record& ev);
  void on_result(persistence::delivery_record r);
  void give_up(std::string reason);
};

actors::deliverer_actor::behavior_type
deliverer(actors::deliverer_actor::stateful_pointer<deliverer_state> self,
          persistence::webhook_record hook, deliverer_settings settings);

} // namespace actodo::io::webhooks
