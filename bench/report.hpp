#pragma once

#include <string>

#include "bench/options.hpp"
#include "bench/run_stats.hpp"
#include "bench/server_process.hpp"

namespace actodo::bench {

/// Builds the JSON report, prints the text summary to stdout and writes the
/// JSON to `opts.report` if set. Returns whether the run had no errors.
bool report(const options& opts, const run_stats& stats,
            const server_process& server, const proc_sample& server_final,
            int server_exit_code);

} // namespace actodo::bench
