#pragma once

#include <memory>

#include "config/metrics.hpp"

namespace actodo::io::jobs {

/// What the import jobs count (`actodo_import_*`).
struct job_metrics {
  /// Registers the families in `reg`.
  explicit job_metrics(std::shared_ptr<config::registry> reg);

  /// In a registry of its own (tests, a node without `/metrics`).
  job_metrics();

  std::shared_ptr<config::registry> registry;
  /// Items processed by this node's jobs, and those of them that failed.
  config::gauge& items;
  config::gauge& failures;
  /// Jobs that ended here (done, failed or cancelled).
  config::gauge& finished;
  /// Jobs running on this node.
  config::gauge& running;
};

} // namespace actodo::io::jobs
