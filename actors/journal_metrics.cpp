#include "actors/journal_metrics.hpp"

namespace actodo::actors {

journal_metrics::journal_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)),
    commits(registry->add_counter("actodo_journal_commits_total",
                                  "Journal transactions committed.")),
    failures(registry->add_counter("actodo_journal_commit_failures_total",
                                   "Journal transactions that failed.")),
    fenced(registry->add_counter(
      "actodo_journal_fenced_total",
      "Commands refused by the store because another node claimed their "
      "partition (cluster mode); nothing of them was written.")),
    batch_size(registry->add_histogram(
      "actodo_journal_batch_size",
      "Commands per journal transaction (group commit).",
      {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096})),
    commit_seconds(registry->add_histogram(
      "actodo_journal_commit_seconds",
      "Duration of one journal transaction, fsync included.",
      config::latency_bounds())),
    deferred_rows(registry->add_gauge(
      "actodo_journal_deferred_rows",
      "Entries (todo row versions) committed to the store's row log and not "
      "yet written in place (SQLite: --sqlite-deferred-rows).")),
    folded_rows(registry->add_counter(
      "actodo_journal_folded_rows_total",
      "Row log entries written in place or dropped as older "
      "versions.")),
    fold_seconds(registry->add_histogram(
      "actodo_journal_fold_seconds",
      "Duration of one transaction that writes deferred rows in place.",
      config::latency_bounds())) {}

journal_metrics::journal_metrics()
  : journal_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::actors
