#include "bench/scenario.hpp"

#include <stdexcept>
#include <sys/resource.h>

namespace actodo::bench {

double self_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](timeval tv) {
    return static_cast<double>(tv.tv_sec)
           + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

void count_completion(run_stats& stats, time_point from, time_point now) {
  if (now < from)
    return;
  auto second = static_cast<size_t>(
    std::chrono::duration_cast<std::chrono::seconds>(now - from).count());
  if (static_cast<double>(second) >= stats.window_seconds)
    return;
  ++stats.completed;
  if (stats.per_second.size() <= second)
    stats.per_second.resize(second + 1, 0);
  ++stats.per_second[second];
}

run_stats run_scenario(const options& opts, const server_process& server) {
  if (opts.scenario == "async-create")
    return run_create(opts, server, false);
  if (opts.scenario == "sync-create")
    return run_create(opts, server, true);
  if (opts.scenario == "fanout")
    return run_fanout(opts, server);
  if (opts.scenario == "idle-sessions")
    return run_idle_sessions(opts, server);
  if (opts.scenario == "reads")
    return run_reads(opts, server);
  if (opts.scenario == "ceiling")
    return run_ceiling(opts, server);
  throw std::invalid_argument("unknown scenario: " + opts.scenario);
}

scenario_base::scenario_base(const options& opts, const server_process& server)
  : opts_(opts),
    server_(server),
    endpoint_(net::ip::make_address_v4("127.0.0.1"), server.port()) {
  stats_.offered_rate = opts.rate;
}

std::vector<std::unique_ptr<http_connection>>
scenario_base::open_connections(http_listener& listener) {
  std::vector<std::unique_ptr<http_connection>> result;
  for (size_t i = 0; i < static_cast<size_t>(opts_.connections); ++i)
    result.push_back(std::make_unique<http_connection>(
      ioc_, endpoint_, the_user(), listener, i));
  return result;
}

void scenario_base::begin_window() {
  window_ = run_window{opts_.warmup, opts_.duration, opts_.drain};
  stats_.window_seconds = window_.seconds();
}

void scenario_base::sample_edges() {
  auto now = clock_type::now();
  if (!sampled_from_ && now >= window_.from) {
    sampled_from_ = true;
    stats_.server_from = server_.sample();
    stats_.bench_cpu_from = self_cpu_seconds();
    stats_.machine_busy_from = machine_busy_seconds();
  }
  if (!sampled_until_ && now >= window_.until) {
    sampled_until_ = true;
    stats_.server_until = server_.sample();
    stats_.bench_cpu_until = self_cpu_seconds();
    stats_.machine_busy_until = machine_busy_seconds();
  }
}

bool scenario_base::after_window() {
  sample_edges();
  return sampled_until_;
}

} // namespace actodo::bench
