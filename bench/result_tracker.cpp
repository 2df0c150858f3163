#include "bench/result_tracker.hpp"

namespace actodo::bench {

result_tracker::result_tracker(int frames_per_request, const run_window& window,
                               run_stats& stats)
  : frames_per_request_(frames_per_request), window_(window), stats_(stats) {
  entries_.reserve(1 << 16);
}

void result_tracker::accepted(std::string_view id, time_point intended) {
  ++accepted_total;
  auto it = entries_.try_emplace(std::string{id}).first;
  it->second.accepted = true;
  it->second.intended = intended;
  check(it);
}

void result_tracker::result(std::string_view id, time_point now) {
  ++results_total;
  auto it = entries_.try_emplace(std::string{id}).first;
  ++it->second.frames;
  it->second.last = now;
  check(it);
}

void result_tracker::check(
  std::unordered_map<std::string, entry>::iterator it) {
  auto& e = it->second;
  if (!e.accepted || e.frames < frames_per_request_)
    return;
  // A 202 read after the last frame completes at the frame's time.
  if (window_.measured(e.intended))
    stats_.latency.record(nanos_between(e.intended, e.last));
  count_completion(stats_, window_.from, e.last);
  entries_.erase(it);
}

void result_tracker::finish(std::map<std::string, uint64_t>& errors) const {
  for (auto& [id, e] : entries_) {
    if (e.accepted)
      ++errors["missing_result"];
    else
      ++errors["result_without_202"];
  }
}

} // namespace actodo::bench
