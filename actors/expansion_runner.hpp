#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "caf/actor.hpp"
#include "caf/behavior.hpp"
#include "caf/fwd.hpp"

namespace actodo::actors {

/// What the worker thread of one expansion shares with its owner.
struct expansion_job {
  /// The worker thread (for renicing an abandoned job); 0 until it runs.
  std::atomic<long> tid{0};
  std::atomic<bool> finished{false};
};

/// A detached actor (a thread of its own) that runs `fn` when asked with
/// `atom::expand`, answers `atom::expand` and quits. libical cannot be
/// interrupted inside one call: a rule that never matches
/// (`FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2MO`) makes `icalrecur_iterator_new`
/// search up to the year 20000 (0.5-2.5 s), whatever UNTIL says. So the
/// owner (a `todo_list` on CAF's shared scheduler) never waits on a thread:
/// it sends a request with the time limit and goes on with the answer or
/// the timeout.
caf::behavior expansion_worker(caf::event_based_actor* self,
                               std::function<void()> fn,
                               std::shared_ptr<expansion_job> job);

/// The expansions of one user (its `todo_list` owns one runner): admission
/// and the bookkeeping of running jobs. Not thread-safe: one owner.
class expansion_runner {
 public:
  /// Previews and listings are refused (429) while this many jobs run in
  /// the whole process (most of them abandoned ones).
  static constexpr size_t max_running = 16;

  /// Jobs of one user that may run at once (successors of completions; an
  /// abandoned job keeps running until libical returns).
  static constexpr size_t max_per_user = 4;

  /// Whether a job may start now. `exclusive` (previews, listings): only
  /// when none of this user's jobs runs and fewer than `max_running` run in
  /// the process; others (successors): fewer than `max_per_user` of this
  /// user's.
  bool may_start(bool exclusive);

  /// Spawns the worker of `fn` on `owner`'s system; null when no thread
  /// could be started. Fills `job`.
  caf::actor start(caf::local_actor* owner, std::function<void()> fn,
                   std::shared_ptr<expansion_job>& job);

  /// The owner stopped waiting for `job`: it finishes at nice 19, taking
  /// only idle CPU.
  static void abandon(expansion_job& job);

  /// Jobs running now, process-wide.
  static size_t running();

 private:
  std::vector<std::shared_ptr<expansion_job>> jobs_;
};

} // namespace actodo::actors
