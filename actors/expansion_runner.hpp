#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace actodo::actors {

/// What became of a call to `expansion_runner::run`.
enum class run_verdict {
  /// Finished within the time limit.
  done,
  /// Took longer; it finishes in the background (a libical search always
  /// ends) at the lowest CPU priority.
  timed_out,
  /// This runner's previous call is still running in the background, or
  /// too many abandoned calls run node-wide: nothing was started.
  busy,
};

/// Runs RRULE expansions with a wall-clock bound. A single libical call
/// cannot be interrupted: a rule that never matches
/// (`FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2MO`) makes `icalrecur_iterator_new`
/// search up to the year 20000 (0.5-2.5 s), whatever UNTIL says. So each
/// call runs on a thread of its own and the caller waits at most the limit;
/// an abandoned call keeps the runner busy until it ends (one per user:
/// each `todo_list` owns one runner) and is reniced to 19, so it takes CPU
/// only from idle time. Not thread-safe: one owner (an actor) per runner.
class expansion_runner {
 public:
  /// Most abandoned calls running at once in the process.
  static constexpr size_t max_abandoned = 16;

  /// Runs `fn` (which must own everything it uses) and waits up to `limit`,
  /// never longer: the caller is an actor on CAF's shared scheduler.
  /// `exclusive` calls (previews and listings) are `busy` while this
  /// runner's previous abandoned call runs or when too many abandoned calls
  /// run node-wide; other calls (the successor of a completion, which cannot
  /// be retried later) always get a thread of their own.
  template<class T>
  std::optional<T> run(std::function<T()> fn, std::chrono::milliseconds limit,
                       run_verdict& verdict, bool exclusive = true) {
    auto out = std::make_shared<std::optional<T>>();
    verdict = start([fn = std::move(fn), out] { *out = fn(); }, limit,
                    exclusive);
    if (verdict != run_verdict::done)
      return std::nullopt;
    return std::move(*out);
  }

  /// Abandoned calls running now, process-wide.
  static size_t abandoned();

 private:
  struct job;

  run_verdict start(std::function<void()> fn, std::chrono::milliseconds limit,
                    bool exclusive);

  /// The last abandoned call, while it runs.
  std::shared_ptr<job> last_;
};

} // namespace actodo::actors
