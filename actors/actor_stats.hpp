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
  if (c.handled.fetch_add(1, std::memory_order_relaxed) % 16 == 0)
    c.mailbox_depth.store(static_cast<int64_t>(self->mailbox().size()),
                          std::memory_order_relaxed);
}

} // namespace actodo::actors
