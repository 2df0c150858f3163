#include "bench/report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sys/resource.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace actodo::bench {

namespace {

std::string shell_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof(buf), pipe) != nullptr)
      out += buf;
    pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::string utc_now() {
  char buf[32];
  auto now = std::time(nullptr);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

nlohmann::json machine() {
  auto mem = shell_output("awk '/MemTotal/ {print $2}' /proc/meminfo");
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  return {
    {"cpu", shell_output("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-"
                         " | sed 's/^ //'")},
    {"cores", sysconf(_SC_NPROCESSORS_ONLN)},
    {"mem_total_kib", mem.empty() ? 0 : std::stoull(mem)},
    {"kernel", shell_output("uname -r")},
    {"rlimit_nofile", nofile.rlim_cur},
  };
}

nlohmann::json config(const options& opts, const server_process& server) {
  std::string src = ACTODO_SOURCE_DIR;
  auto dirty = shell_output("git -C '" + src
                            + "' status --porcelain 2>/dev/null"
                              " | head -1");
  return {
    {"flags", opts.given},
    {"scenario", opts.scenario},
    {"connections", opts.connections},
    {"rate", opts.rate},
    {"duration_s", opts.duration.count() / 1000.0},
    {"warmup_s", opts.warmup.count() / 1000.0},
    {"drain_s", opts.drain.count() / 1000.0},
    {"sessions", opts.sessions},
    {"idle", opts.idle},
    {"preload", opts.preload},
    {"users", opts.users.size()},
    {"server_command", server.argv()},
    {"server_sha256",
     shell_output("sha256sum '" + server.argv().front() + "' | cut -c1-64")},
    {"date", utc_now()},
    {"git_commit",
     shell_output("git -C '" + src + "' rev-parse HEAD 2>/dev/null")},
    {"git_dirty", !dirty.empty()},
    {"build_type", ACTODO_BUILD_TYPE},
    {"machine", machine()},
  };
}

double micros(uint64_t nanos) {
  return static_cast<double>(nanos) / 1000.0;
}

} // namespace

bool report(const options& opts, const run_stats& stats,
            const server_process& server, const proc_sample& server_final,
            int server_exit_code) {
  auto errors = stats.errors;
  if (server_exit_code != 0)
    ++errors["server_exit_code_" + std::to_string(server_exit_code)];
  uint64_t error_count = 0;
  for (auto& [kind, n] : errors)
    error_count += n;
  bool ok = error_count == 0;
  auto window = stats.window_seconds > 0 ? stats.window_seconds : 1.0;
  auto server_cpu = stats.server_until.cpu_seconds
                    - stats.server_from.cpu_seconds;
  auto bench_cpu = stats.bench_cpu_until - stats.bench_cpu_from;
  auto machine_busy = stats.machine_busy_until - stats.machine_busy_from;
  auto other = std::max(0.0, machine_busy - server_cpu - bench_cpu);
  auto& h = stats.latency;
  nlohmann::json j = {
    {"scenario", opts.scenario},
    {"ok", ok},
    {"errors", errors},
    {"error_count", error_count},
    {"mode", opts.rate > 0 ? "open-loop" : "closed-loop"},
    {"offered_rate", opts.rate > 0 ? nlohmann::json(opts.rate) : nullptr},
    {"achieved_rate", static_cast<double>(stats.completed) / window},
    {"sent", stats.sent},
    {"completed_in_window", stats.completed},
    {"unsent", stats.unsent},
    {"window_seconds", stats.window_seconds},
    {"latency",
     {{"of", stats.latency_of},
      {"unit", "us"},
      {"count", h.count()},
      {"min", micros(h.min())},
      {"mean", h.mean() / 1000.0},
      {"p50", micros(h.percentile(0.5))},
      {"p90", micros(h.percentile(0.9))},
      {"p99", micros(h.percentile(0.99))},
      {"p99_9", micros(h.percentile(0.999))},
      {"max", micros(h.max())}}},
    {"server",
     {{"pid", server.pid()},
      {"rss_kib_window_start", stats.server_from.rss_kib},
      {"rss_kib_window_end", stats.server_until.rss_kib},
      {"rss_kib_final", server_final.rss_kib},
      {"hwm_kib", server_final.hwm_kib},
      {"cpu_seconds_window", server_cpu},
      {"cpu_cores_window", server_cpu / window},
      {"cpu_seconds_total", server_final.cpu_seconds},
      {"exit_code", server_exit_code}}},
    {"bench",
     {{"cpu_seconds_window", bench_cpu},
      {"cpu_cores_window", bench_cpu / window}}},
    {"machine",
     {{"busy_cores_window", machine_busy / window},
      {"other_processes_cores_window", other / window}}},
    {"figures", stats.figures},
    {"completed_per_second", stats.per_second},
    {"config", config(opts, server)},
  };
  // Text summary.
  std::printf("== actodo_bench %s (%s, %d connections, %.1f s window, "
              "commit %.12s%s) ==\n",
              opts.scenario.c_str(), j["mode"].get<std::string>().c_str(),
              opts.connections, stats.window_seconds,
              j["config"]["git_commit"].get<std::string>().c_str(),
              j["config"]["git_dirty"].get<bool>() ? "+dirty" : "");
  if (opts.rate > 0)
    std::printf("offered   %12.1f /s\n", opts.rate);
  std::printf("achieved  %12.1f /s  (%llu in window, %llu sent, %llu unsent)\n",
              j["achieved_rate"].get<double>(),
              static_cast<unsigned long long>(stats.completed),
              static_cast<unsigned long long>(stats.sent),
              static_cast<unsigned long long>(stats.unsent));
  std::printf("latency   %s, n=%llu\n", stats.latency_of.c_str(),
              static_cast<unsigned long long>(h.count()));
  std::printf("          p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms"
              "  max %.3f ms\n",
              micros(h.percentile(0.5)) / 1000,
              micros(h.percentile(0.9)) / 1000,
              micros(h.percentile(0.99)) / 1000,
              micros(h.percentile(0.999)) / 1000, micros(h.max()) / 1000);
  std::printf("server    cpu %.2f s in window (%.2f cores), RSS %.1f MiB, "
              "HWM %.1f MiB\n",
              server_cpu, server_cpu / window,
              static_cast<double>(server_final.rss_kib) / 1024,
              static_cast<double>(server_final.hwm_kib) / 1024);
  std::printf("bench     cpu %.2f s in window (%.2f cores)\n", bench_cpu,
              bench_cpu / window);
  if (!stats.per_second.empty()) {
    std::printf("per second");
    for (auto n : stats.per_second)
      std::printf(" %llu", static_cast<unsigned long long>(n));
    std::printf("\n");
  }
  std::printf("machine   %.2f cores busy in window, %.2f of them other "
              "processes%s\n",
              machine_busy / window, other / window,
              other / window > 0.1 ? "  (NOISY: numbers disturbed)" : "");
  for (auto& [name, value] : stats.figures)
    std::printf("%-24s %.1f\n", name.c_str(), value);
  if (stats.unsent > 0)
    std::printf("SATURATED: %llu requests were due but never sent\n",
                static_cast<unsigned long long>(stats.unsent));
  if (ok) {
    std::printf("errors    none\n");
  } else {
    std::printf("!!!!! RUN HAD %llu ERRORS -- NOT OK !!!!!\n",
                static_cast<unsigned long long>(error_count));
    for (auto& [kind, n] : errors)
      std::printf("!!!!!   %-40s %llu\n", kind.c_str(),
                  static_cast<unsigned long long>(n));
  }
  if (!opts.report.empty()) {
    std::ofstream out{opts.report};
    out << j.dump(2) << '\n';
    if (!out)
      std::fprintf(stderr, "cannot write %s\n", opts.report.c_str());
    else
      std::printf("report    %s\n", opts.report.c_str());
  }
  std::fflush(stdout);
  return ok;
}

} // namespace actodo::bench
