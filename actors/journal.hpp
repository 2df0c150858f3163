#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "caf/actor_clock.hpp"
#include "caf/response_promise.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/actor_metrics.hpp"
#include "actors/interfaces.hpp"
#include "actors/journal_metrics.hpp"
#include "actors/seq_cache.hpp"
#include "config/settings.hpp"
#include "persistence/store.hpp"

namespace actodo::actors {

/// Group commit: appends queue up while the previous transaction runs and
/// are then committed together in one transaction; every waiter hears back
/// only after its records are durable, and all of them hear about a failed
/// commit.
struct journal_state {
  static inline const char* name = "journal";

  struct waiting {
    persistence::user_batch batch;
    caf::typed_response_promise<int64_t> promise;
  };

  journal_actor::pointer self = nullptr;
  std::shared_ptr<persistence::store> store;
  size_t max_batch = 4096;
  caf::timespan retention{};
  caf::timespan event_retention{};
  std::vector<waiting> pending;
  bool flush_scheduled = false;
  /// Last sequence number per user, including pending appends; loaded from
  /// the store on first use, forgotten when a commit fails, and bounded to
  /// the users that wrote recently (`seq_cache`).
  seq_cache last_seq;

  /// Woken after commits that wrote events (the Kafka egress); may be null.
  outbox_listener_actor listener;

  /// Hears about fenced commits (the cluster agent); may be null.
  fence_listener_actor fence_listener;

  /// Hears which users' logs grew (the webhooks); may be null.
  commit_listener_actor commit_listener;

  /// Statistics for the inspector and the benchmarks.
  uint64_t commits = 0;
  uint64_t committed_batches = 0;
  /// Commits, failures, batch sizes and commit durations.
  std::shared_ptr<journal_metrics> stats;
  /// Where it counts its messages (kind `journal`).
  std::shared_ptr<actor_metrics> messages;

  /// Rows the store deferred (`persistence::event_log::deferred`) are
  /// written in place beyond the store's limit (down to `fold_step` below
  /// it) after the waiters of the commit heard back; otherwise `fold_step`
  /// at a time once no command committed for `fold_quiet` (also after the
  /// start), each step behind what the mailbox holds then.
  caf::timespan fold_quiet = std::chrono::milliseconds(100);
  size_t fold_step = 256;
  bool fold_armed = false;
  /// On the actor's clock (virtual in the tests).
  caf::actor_clock::time_point last_commit;

  caf::result<int64_t> append(persistence::user_batch batch);
  void flush();

  /// After a commit: folds what exceeds the store's limit (down to a step
  /// below it), arms the idle folding.
  void fold_excess();
  /// Arms the idle folding unless armed or nothing waits.
  void arm_fold();
  /// The idle folding's timer or next step (`atom::idle`).
  void fold_idle();
  /// Writes up to `rows` deferred rows in place; false on an error (they
  /// stay in the log, and reads see them).
  bool fold(size_t rows);

  /// Commits `waiters`; a commit that the store fenced is retried without
  /// the batches of stale epochs, whose waiters get `ec::fenced` (503 with
  /// Retry-After).
  void commit(std::vector<waiting> waiters);

  /// Removes the waiters whose epochs the store no longer holds from
  /// `waiters` and answers them; false when the epochs cannot be read.
  bool drop_fenced(std::vector<waiting>& waiters);

  /// Bumps the partitions' epochs in the store.
  caf::result<std::vector<int64_t>>
  claim(const std::vector<int32_t>& parts,
        const std::vector<int64_t>& published);
  caf::result<persistence::user_snapshot> load(const std::string& user);
  /// Kafka outbox entries after `after` (-1: the published position).
  caf::result<std::vector<persistence::outbox_record>> outbox(int64_t after,
                                                              int64_t limit);
  /// Kafka acknowledged up to `position`: the remaining backlog.
  caf::result<int64_t> published(int64_t position);
  /// Forgets request outcomes and events older than their retention;
  /// re-arms (sooner while events are left to remove).
  void prune();
  caf::result<std::vector<persistence::event_record>>
  events(const std::string& user, int64_t after, int64_t limit);
};

/// Spawn detached: the store blocks.
journal_actor::behavior_type
journal(journal_actor::stateful_pointer<journal_state> self,
        std::shared_ptr<persistence::store> store, config::journal_options opts,
        std::shared_ptr<journal_metrics> stats,
        std::shared_ptr<actor_metrics> messages);

} // namespace actodo::actors
