#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "bench/driver.hpp"
#include "bench/run_stats.hpp"

namespace actodo::bench {

/// Matches accepted commands (request id from the 202 body) with their
/// `result` frames, in either order. A command completes once it is accepted
/// and `frames_per_request` result frames arrived (1 for one socket, S for S
/// sessions); its latency runs from the intended send time to the last frame.
class result_tracker {
 public:
  /// Records latencies and completions into `stats`.
  result_tracker(int frames_per_request, const run_window& window,
                 run_stats& stats);

  /// The 202 for `id` arrived; `intended` is when it was meant to be sent.
  void accepted(std::string_view id, time_point intended);

  /// A result frame for `id` arrived now.
  void result(std::string_view id, time_point now);

  /// Accepted commands still waiting for frames, plus frames without a 202.
  size_t outstanding() const {
    return entries_.size();
  }

  /// Adds `missing_result` (accepted, frames missing) and
  /// `result_without_202` counts to `errors`.
  void finish(std::map<std::string, uint64_t>& errors) const;

  uint64_t accepted_total = 0;
  uint64_t results_total = 0;

 private:
  struct entry {
    time_point intended;
    time_point last;
    int frames = 0;
    bool accepted = false;
  };

  void check(std::unordered_map<std::string, entry>::iterator it);

  int frames_per_request_;
  const run_window& window_;
  run_stats& stats_;
  std::unordered_map<std::string, entry> entries_;
};

} // namespace actodo::bench
