#pragma once

#include <map>
#include <string>
#include <vector>

#include "bench/histogram.hpp"
#include "bench/net.hpp"
#include "bench/server_process.hpp"

namespace actodo::bench {

/// What a scenario measured; `report.cpp` turns it into text and JSON.
struct run_stats {
  std::string latency_of; ///< what one latency sample spans
  double offered_rate = 0; ///< requests/s; 0 = closed loop
  histogram latency; ///< nanoseconds, measured window only
  uint64_t sent = 0; ///< requests sent, warm-up and drain included
  uint64_t completed = 0; ///< operations completed inside the window
  /// Completions per second of the window (spots degradation over time).
  std::vector<uint64_t> per_second;
  uint64_t unsent = 0; ///< open loop: due but never sent (saturation)
  double window_seconds = 0;
  std::map<std::string, uint64_t> errors;
  std::map<std::string, double> figures; ///< scenario-specific numbers
  proc_sample server_from; ///< server at the start of the window
  proc_sample server_until; ///< server at the end of the window
  double bench_cpu_from = 0;
  double bench_cpu_until = 0;
  double machine_busy_from = 0; ///< `machine_busy_seconds()` at the edges
  double machine_busy_until = 0;
};

/// Counts one completion at `now` if it lies in [from, from + seconds).
void count_completion(run_stats& stats, time_point from, time_point now);

/// CPU seconds (user + system) of this process.
double self_cpu_seconds();

} // namespace actodo::bench
