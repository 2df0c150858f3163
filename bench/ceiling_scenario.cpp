#include <optional>

#include "bench/http_connection.hpp"
#include "bench/scenario.hpp"

namespace actodo::bench {

namespace {

/// ceiling: `GET /healthz` on `--connections` connections, the same client
/// and concurrency as the other cases. It touches no actor: what the HTTP
/// stack and this machine allow, the yardstick the other throughputs are
/// given as a share of (bench/RESULTS.md).
class ceiling_run : public scenario_base, public http_listener {
 public:
  ceiling_run(const options& opts, const server_process& server)
    : scenario_base(opts, server) {}

  run_stats run() {
    stats_.latency_of = "GET /healthz (intended send) -> 200";
    conns_ = open_connections(*this);
    begin_window();
    driver_.emplace(ioc_, conns_.size(), opts_.rate, window_,
                    [this](size_t slot, time_point intended) {
                      auto& conn = *conns_[slot];
                      conn.intended = intended;
                      conn.send(http::verb::get, "/healthz", {}, false);
                    });
    driver_->start();
    run_until(ioc_, window_.drain_until,
              [this] { return after_window() && driver_->idle(); });
    after_window();
    for (auto& conn : conns_)
      conn->close();
    stats_.sent = driver_->sent();
    stats_.unsent = driver_->unsent();
    return stats_;
  }

  void on_response(http_connection& conn, beast::error_code ec,
                   const char* what,
                   http::response<http::string_body>& res) override {
    auto now = clock_type::now();
    if (ec)
      ++stats_.errors[std::string{"http_"} + what + "_" + ec.message()];
    else if (res.result_int() != 200)
      ++stats_.errors["http_status_" + std::to_string(res.result_int())];
    else if (window_.measured(conn.intended)) {
      stats_.latency.record(nanos_between(conn.intended, now));
      count_completion(stats_, window_.from, now);
    }
    driver_->done(conn.index());
  }

 private:
  std::vector<std::unique_ptr<http_connection>> conns_;
  std::optional<driver> driver_;
};

} // namespace

run_stats run_ceiling(const options& opts, const server_process& server) {
  ceiling_run run{opts, server};
  return run.run();
}

} // namespace actodo::bench
