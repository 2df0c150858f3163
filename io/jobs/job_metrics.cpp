#include "io/jobs/job_metrics.hpp"

namespace actodo::io::jobs {

job_metrics::job_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)),
    items(registry->add_counter(
      "actodo_import_items_total",
      "Items processed by import jobs on this node (applied or failed).")),
    failures(registry->add_counter("actodo_import_item_failures_total",
                                   "Imported items that failed (per-item "
                                   "errors).")),
    finished(registry->add_counter(
      "actodo_import_jobs_finished_total",
      "Import jobs that ended on this node (done, failed or cancelled).")),
    running(registry->add_gauge("actodo_import_jobs_running",
                                "Import jobs running on this node.")) {}

job_metrics::job_metrics()
  : job_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::io::jobs
