#include <cstdio>
#include <exception>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench/histogram.hpp"
#include "bench/options.hpp"
#include "bench/report.hpp"
#include "bench/scenario.hpp"
#include "bench/server_process.hpp"

namespace actodo::bench {

namespace {

/// Raises the open-files limit to the hard limit; the server inherits it.
void raise_nofile_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

} // namespace

/// Parses the command line, starts the server, runs the scenario, reports.
int run_main(int argc, char** argv) {
  options opts;
  try {
    opts = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "actodo_bench: %s\n%s", e.what(), usage_text);
    return 2;
  }
  if (opts.scenario == "self-check") {
    bool ok = histogram::self_check();
    std::printf("histogram self-check: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
  }
  raise_nofile_limit();
  signal(SIGPIPE, SIG_IGN);
  // Watchdog: the default action of SIGALRM ends the bench; the server
  // follows through PR_SET_PDEATHSIG.
  alarm(static_cast<unsigned>(opts.time_limit().count()));
  try {
    server_process server{opts.server, opts.server_args, opts.keep_data};
    auto stats = run_scenario(opts, server);
    auto final_sample = server.sample();
    auto exit_code = server.stop();
    return report(opts, stats, server, final_sample, exit_code) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "actodo_bench: %s\n", e.what());
    return 3;
  }
}

} // namespace actodo::bench

int main(int argc, char** argv) {
  return actodo::bench::run_main(argc, argv);
}
