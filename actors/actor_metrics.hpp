#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "config/metrics.hpp"

namespace actodo::actors {

/// The kinds of actors a node runs.
enum class actor_kind : uint8_t {
  todo_list,
  session,
  journal,
  user_directory,
  reminder_scheduler,
  accounts,
  inspector,
};

inline constexpr size_t actor_kind_count = 7;

/// `todo_list`, `session`, ...
const char* to_string(actor_kind x);

/// Per actor kind: the messages its actors handled and the mailbox depth
/// one of them saw last (`actodo_actor_messages_total{kind}`,
/// `actodo_actor_mailbox_depth{kind}`). Every actor counts into its own
/// kind with `count_message`.
class actor_metrics {
 public:
  /// Registers the two families in `reg`.
  explicit actor_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests).
  actor_metrics();

  config::gauge& handled(actor_kind x) const noexcept {
    return *handled_[static_cast<size_t>(x)];
  }

  config::gauge& mailbox_depth(actor_kind x) const noexcept {
    return *depth_[static_cast<size_t>(x)];
  }

  /// `--no-metrics` turns the per-message bookkeeping off (to measure what
  /// it costs).
  std::atomic<bool> enabled{true};

 private:
  std::shared_ptr<config::registry> registry_;
  std::array<config::gauge*, actor_kind_count> handled_;
  std::array<config::gauge*, actor_kind_count> depth_;
};

/// Counts one handled message for `kind` and, every 16th message, records
/// the mailbox depth `self` sees (only the owner may read its mailbox). Two
/// relaxed atomic operations on the hot path; nothing with `--no-metrics`.
template<class Self>
void count_message(actor_metrics& stats, actor_kind kind, Self* self) {
  if (!stats.enabled.load(std::memory_order_relaxed))
    return;
  auto n = stats.handled(kind).add();
#ifdef ACTODO_SANITIZED
  // CAF 0.17's intrusive queue casts its stub node to `mailbox_element`;
  // instantiated in an UBSan-instrumented TU that aborts (vptr check), so
  // sanitizer builds do not sample the depth.
  (void)n;
  (void)self;
#else
  if (n % 16 == 0)
    stats.mailbox_depth(kind).set(static_cast<int64_t>(self->mailbox().size()));
#endif
}

} // namespace actodo::actors
