#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "actors/interfaces.hpp"
#include "config/settings.hpp"
#include "io/webhooks/http_poster.hpp"
#include "io/webhooks/webhook_metrics.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::io::webhooks {

struct webhooks_settings {
  config::webhook_options options;
  actors::journal_actor journal;
  /// Takes the `webhook.disabled` notices (routes them to the user's list).
  actors::user_directory_actor directory;
  std::shared_ptr<http_poster> poster;
  caf::timespan request_timeout = std::chrono::seconds(10);
  std::shared_ptr<webhook_metrics> stats = std::make_shared<webhook_metrics>();
  /// Cluster mode: deliver only for users of partitions this node owns
  /// (from the routing tables), and compare with the store every
  /// `reconcile_interval` (webhooks changed through other nodes).
  bool clustered = false;
  caf::timespan reconcile_interval = std::chrono::seconds(2);
};

/// The node's webhooks: the only user of the webhook store (blocking: run
/// it detached). Validates and stores registrations (a URL is resolved and
/// vetted by the poster before it is stored), runs one `deliverer` per
/// enabled webhook, wakes them when the journal reports that their user's
/// log grew, stores their attempts and cursors, and disables a webhook a
/// deliverer gave up on, with a `webhook.disabled` event in the user's log.
struct webhooks_state {
  static inline const char* name = "webhooks";

  /// A create or update waiting for the poster's verdict on its URL.
  struct vetting {
    caf::typed_response_promise<persistence::webhook_record> promise;
    std::string user;
    /// The new webhook (create) or the id to update.
    persistence::webhook_record hook;
    actors::webhook_spec spec;
    bool create = false;
  };

  /// A deliverer and what it was started with.
  struct running_hook {
    actors::deliverer_actor hdl;
    std::string user;
    /// The webhook's `updated_ms` when started: its cursors are stored
    /// only while the store still has this one, and a different one in
    /// the store (a change through another node) restarts it.
    int64_t updated_ms = 0;
    uint64_t generation = 0;
  };

  actors::webhooks_actor::pointer self = nullptr;
  std::shared_ptr<persistence::webhook_store> store;
  webhooks_settings settings;
  std::unordered_map<std::string, running_hook> running;
  std::unordered_map<std::string, std::vector<std::string>> by_user;
  uint64_t next_generation = 0;
  std::unordered_map<uint64_t, vetting> pending;
  uint64_t next_ticket = 0;
  /// Cluster mode: the partitions of the commands topic (0: unknown, so
  /// none is owned) and which of them this node owns.
  int32_t partitions = 0;
  std::vector<bool> owned;
  /// Attempts and cursors not stored yet: the first queues a `flush`
  /// behind the messages already waiting, so a burst of answers becomes
  /// one transaction (group commit); a crash before it means those events
  /// are delivered again (at least once).
  std::vector<persistence::delivery_record> unsaved;
  std::map<std::string, persistence::cursor_update> unsaved_cursors;
  bool flush_armed = false;
  /// Webhooks whose notice is being logged (asked, not answered).
  std::unordered_set<std::string> noticing;
  /// A `tick` is on its way (one chain of them at most).
  bool tick_armed = false;

  /// Queues an attempt (and the cursor it moved, -1: none).
  void record(const persistence::delivery_record& x, int64_t cursor,
              uint64_t gen);
  /// Stores what is queued.
  void flush();

  /// One webhook of the user (flushes first); `not_found` naming `id`.
  caf::expected<persistence::webhook_record> find(const std::string& user,
                                                  const std::string& id);
  /// Whether this node delivers the user's webhooks.
  bool local(const std::string& user) const;
  /// Starts what the store holds and this node should run, stops the rest
  /// and restarts what changed; false when the store could not be read.
  bool reconcile();
  void start(const persistence::webhook_record& hook);
  void stop(const std::string& id);
  /// Stores a changed webhook and restarts its deliverer.
  caf::error rewrite(persistence::webhook_record& hook);

  caf::result<persistence::webhook_record> create(const std::string& user,
                                                  actors::webhook_spec spec);
  caf::result<persistence::webhook_record> update(const std::string& user,
                                                  const std::string& id,
                                                  actors::webhook_spec spec);
  caf::result<persistence::webhook_record>
  replay(const std::string& user, const std::string& id, int64_t from);
  /// Moves the cursor of a found webhook and restarts its deliverer.
  caf::expected<persistence::webhook_record>
  replay_from(const std::string& user, const std::string& id, int64_t cursor);
  /// Finishes a create or update whose URL check ended.
  void vetted(uint64_t ticket, const std::string& refusal);
  /// Applies `spec` to `hook`; a field error when a member is invalid.
  caf::error apply(const actors::webhook_spec& spec,
                   persistence::webhook_record& hook);
  caf::result<persistence::webhook_record> check_url(vetting v);
  /// A deliverer of generation `gen` gave up: disables the webhook unless
  /// it was replaced or changed meanwhile.
  void disable(const std::string& id, const std::string& reason, uint64_t gen);
  /// Asks the user's list to log the `webhook.disabled` event of a webhook
  /// the service disabled (keyed by the disabling, so once), and settles
  /// `notice_owed` when the log has it.
  void notice(const persistence::webhook_record& hook);
  /// Asks again for the notices the store still owes; true while any is.
  bool pay_owed_notices();
  /// Sends the next `tick` unless one is on its way.
  void arm_tick();
};

actors::webhooks_actor::behavior_type
webhooks(actors::webhooks_actor::stateful_pointer<webhooks_state> self,
         std::shared_ptr<persistence::webhook_store> store,
         webhooks_settings settings);

} // namespace actodo::io::webhooks
