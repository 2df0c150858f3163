#pragma once

#include <memory>
#include <vector>

#include "bench/driver.hpp"
#include "bench/http_connection.hpp"
#include "bench/net.hpp"
#include "bench/options.hpp"
#include "bench/run_stats.hpp"
#include "bench/server_process.hpp"

namespace actodo::bench {

/// Runs the scenario named `opts.scenario` against `server`.
run_stats run_scenario(const options& opts, const server_process& server);

run_stats run_create(const options& opts, const server_process& server,
                     bool sync);
run_stats run_fanout(const options& opts, const server_process& server);
run_stats run_idle_sessions(const options& opts, const server_process& server);
run_stats run_reads(const options& opts, const server_process& server);
/// `GET /healthz` only: the HTTP stack's ceiling at the same concurrency.
run_stats run_ceiling(const options& opts, const server_process& server);

/// What every scenario has: one io_context (one thread: the caller's), the
/// server's endpoint, the run window and the statistics.
class scenario_base {
 protected:
  scenario_base(const options& opts, const server_process& server);

  /// Starts the warm-up now; the window follows it.
  void begin_window();

  /// Samples server and bench CPU/RSS at the window's edges; called from
  /// the run loop's predicate (every 2 ms).
  void sample_edges();

  /// The window is over (and its end was sampled).
  bool after_window();

  /// `--connections` keep-alive connections acting as `the_user()`, each
  /// answering to `listener` (not connected before their first request).
  std::vector<std::unique_ptr<http_connection>>
  open_connections(http_listener& listener);

  /// The user every client of the scenario acts as (see `options::users`).
  const user& the_user() const {
    return opts_.users.front();
  }

  const options& opts_;
  const server_process& server_;
  net::io_context ioc_;
  tcp::endpoint endpoint_;
  run_window window_;
  run_stats stats_;

 private:
  bool sampled_from_ = false;
  bool sampled_until_ = false;
};

} // namespace actodo::bench
