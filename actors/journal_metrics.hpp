#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::actors {

/// What the journal counts: its transactions, the failed ones, and how big
/// (group commit) and how slow they are.
struct journal_metrics {
  /// Registers the `actodo_journal_*` families in `reg`.
  explicit journal_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests).
  journal_metrics();

  /// Owns the series below.
  std::shared_ptr<config::registry> registry;
  config::gauge& commits;
  config::gauge& failures;
  /// Commands of a partition another node claimed (cluster mode).
  config::gauge& fenced;
  /// Commands per transaction.
  config::histogram& batch_size;
  /// Duration of one transaction, fsync included.
  config::histogram& commit_seconds;
  /// Row log entries committed but not yet written in place
  /// (`store::deferred`).
  config::gauge& deferred_rows;
  /// Entries written in place (or dropped as older versions), and the
  /// duration of those transactions.
  config::gauge& folded_rows;
  config::histogram& fold_seconds;
};

} // namespace actodo::actors
