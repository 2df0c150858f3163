#pragma once

#include "config/metrics.hpp"

namespace actodo::actors {

/// Counts one handled message for `kind` and, every 16th message, records
/// the mailbox depth `self` sees (only the owner may read its mailbox). Two
/// relaxed atomic operations on the hot path; nothing with `--no-metrics`.
template<class Self>
void count_message(config::metrics& stats, config::actor_kind kind,
                   Self* self) {
  if (!stats.enabled.load(std::memory_order_relaxed))
    return;
  auto& c = stats.of(kind);
  auto n = c.handled.fetch_add(1, std::memory_order_relaxed);
#ifdef ACTODO_SANITIZED
  // CAF 0.17's intrusive queue casts its stub node to `mailbox_element`;
  // instantiated in an UBSan-instrumented TU that aborts (vptr check), so
  // sanitizer builds do not sample the depth.
  (void)n;
  (void)self;
#else
  if (n % 16 == 0)
    c.mailbox_depth.store(static_cast<int64_t>(self->mailbox().size()),
                          std::memory_order_relaxed);
#endif
}

} // namespace actodo::actors
