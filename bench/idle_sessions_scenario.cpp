#include <unistd.h>

#include "bench/http_connection.hpp"
#include "bench/scenario.hpp"
#include "bench/ws_group.hpp"

namespace actodo::bench {

namespace {

/// idle-sessions: one session first (so the user's actor exists), sample the
/// server's RSS, open `--idle` more sockets, wait 2 s, sample again. Then one
/// command checks that every session is alive (each must get its result).
class idle_run : public scenario_base, public http_listener {
 public:
  idle_run(const options& opts, const server_process& server)
    : scenario_base(opts, server),
      ws_(ioc_, endpoint_, the_user(), stats_.errors),
      probe_(ioc_, endpoint_, the_user(), *this, 0) {}

  run_stats run() {
    stats_.latency_of = "WebSocket connect -> welcome frame";
    ws_.on_frames([this](ws_client&, std::string_view frame) {
      if (frame.rfind(R"({"type":"result")", 0) == 0)
        ++results_;
    });
    ws_.open(1, 1);
    auto limit = clock_type::now() + std::chrono::seconds{10};
    run_until(ioc_, limit, [this] { return ws_.welcomed() == 1; });
    usleep(500000);
    auto before = server_.sample();
    stats_.bench_cpu_from = self_cpu_seconds();
    stats_.machine_busy_from = machine_busy_seconds();
    auto idle = static_cast<size_t>(opts_.idle);
    auto start = clock_type::now();
    ws_.open(idle, static_cast<size_t>(opts_.connect_parallelism));
    limit = start + std::chrono::seconds{60};
    run_until(ioc_, limit,
              [&] { return ws_.welcomed() + ws_.failed() >= idle + 1; });
    auto open_seconds = std::chrono::duration<double>(clock_type::now() - start)
                          .count();
    auto opened = ws_.welcomed() - 1;
    if (opened < idle)
      stats_.errors["ws_not_opened"] += idle - opened;
    // Let the server settle, keep reading (nothing should arrive).
    limit = clock_type::now() + std::chrono::seconds{2};
    run_until(ioc_, limit, [] { return false; });
    auto after = server_.sample();
    stats_.bench_cpu_until = self_cpu_seconds();
    stats_.machine_busy_until = machine_busy_seconds();
    stats_.server_from = before;
    stats_.server_until = after;
    stats_.latency = ws_.welcome_latency;
    stats_.completed = opened;
    stats_.window_seconds = open_seconds;
    stats_.sent = idle;
    stats_.figures["sessions_open"] = static_cast<double>(opened);
    stats_.figures["rss_before_kib"] = static_cast<double>(before.rss_kib);
    stats_.figures["rss_after_kib"] = static_cast<double>(after.rss_kib);
    if (opened > 0)
      stats_.figures["rss_per_session_bytes"] = (static_cast<double>(
                                                   after.rss_kib)
                                                 - before.rss_kib)
                                                * 1024.0
                                                / static_cast<double>(opened);
    stats_.figures["opens_per_s"] = static_cast<double>(opened) / open_seconds;
    // Liveness probe: every open session must see the result frame.
    probe_.send(http::verb::post, "/api/v1/todos", R"({"title":"probe"})",
                false);
    limit = clock_type::now() + std::chrono::seconds{20};
    run_until(ioc_, limit, [&] { return results_ >= ws_.welcomed(); });
    stats_.figures["probe_results"] = static_cast<double>(results_);
    if (results_ < ws_.welcomed())
      stats_.errors["probe_result_missing"] += ws_.welcomed() - results_;
    probe_.close();
    ws_.close_all();
    return stats_;
  }

  void on_response(http_connection&, beast::error_code ec, const char* what,
                   http::response<http::string_body>& res) override {
    if (ec)
      ++stats_.errors[std::string{"http_"} + what + "_" + ec.message()];
    else if (res.result_int() != 202)
      ++stats_.errors["http_status_" + std::to_string(res.result_int())];
  }

 private:
  ws_group ws_;
  http_connection probe_;
  uint64_t results_ = 0;
};

} // namespace

run_stats run_idle_sessions(const options& opts, const server_process& server) {
  idle_run run{opts, server};
  return run.run();
}

} // namespace actodo::bench
