#pragma once

#include "config/metrics.hpp"

namespace actodo::config {

/// Registers `process_resident_memory_bytes` and `process_cpu_seconds_total`
/// of this process, read from Linux's /proc whenever they are rendered.
void add_process_metrics(registry& reg);

} // namespace actodo::config
