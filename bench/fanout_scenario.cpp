#include <optional>

#include "bench/http_connection.hpp"
#include "bench/result_tracker.hpp"
#include "bench/scenario.hpp"
#include "bench/ws_group.hpp"

namespace actodo::bench {

namespace {

/// fanout: `--sessions` WebSockets of the user; `--connections` writers
/// (default 1) POST todos; a command completes when its result frame reached
/// the last session. Frames/s counts every frame (result and event) that
/// arrived at any session inside the window.
class fanout_run : public scenario_base, public http_listener {
 public:
  fanout_run(const options& opts, const server_process& server)
    : scenario_base(opts, server),
      ws_(ioc_, endpoint_, the_user(), stats_.errors),
      tracker_(opts.sessions, window_, stats_) {}

  run_stats run() {
    stats_.latency_of = "POST (intended send) -> result frame at the last "
                        "of the sessions";
    ws_.on_frames([this](ws_client&, std::string_view frame) {
      auto now = clock_type::now();
      if (window_.measured(now))
        ++window_frames_;
      if (frame.rfind(R"({"type":"result")", 0) == 0)
        tracker_.result(json_string_field(frame, R"("request_id":")"), now);
    });
    auto sessions = static_cast<size_t>(opts_.sessions);
    ws_.open(sessions, static_cast<size_t>(opts_.connect_parallelism));
    auto deadline = clock_type::now() + std::chrono::seconds{60};
    run_until(ioc_, deadline,
              [&] { return ws_.welcomed() + ws_.failed() >= sessions; });
    if (ws_.welcomed() < sessions) {
      stats_.errors["ws_not_opened"] += sessions - ws_.welcomed();
      ws_.close_all();
      return stats_;
    }
    stats_.figures["sessions"] = static_cast<double>(sessions);
    conns_ = open_connections(*this);
    begin_window();
    driver_.emplace(ioc_, conns_.size(), opts_.rate, window_,
                    [this](size_t slot, time_point intended) {
                      auto& conn = *conns_[slot];
                      conn.intended = intended;
                      std::string body = R"({"title":"fanout )";
                      body += std::to_string(counter_++);
                      body += "\"}";
                      conn.send(http::verb::post, "/api/v1/todos",
                                std::move(body), false);
                    });
    driver_->start();
    run_until(ioc_, window_.drain_until, [this] {
      return after_window() && driver_->idle() && tracker_.outstanding() == 0;
    });
    after_window();
    for (auto& conn : conns_)
      conn->close();
    ws_.close_all();
    stats_.sent = driver_->sent();
    stats_.unsent = driver_->unsent();
    tracker_.finish(stats_.errors);
    stats_.figures["accepted_202"] = static_cast<double>(
      tracker_.accepted_total);
    stats_.figures["result_frames"] = static_cast<double>(
      tracker_.results_total);
    stats_.figures["frames_in_window"] = static_cast<double>(window_frames_);
    stats_.figures["frames_per_s"] = static_cast<double>(window_frames_)
                                     / window_.seconds();
    return stats_;
  }

  void on_response(http_connection& conn, beast::error_code ec,
                   const char* what,
                   http::response<http::string_body>& res) override {
    if (ec) {
      ++stats_.errors[std::string{"http_"} + what + "_" + ec.message()];
    } else if (res.result_int() == 202) {
      auto id = json_string_field(res.body(), R"("request_id":")");
      if (id.empty())
        ++stats_.errors["no_request_id"];
      else
        tracker_.accepted(id, conn.intended);
    } else {
      ++stats_.errors["http_status_" + std::to_string(res.result_int())];
    }
    driver_->done(conn.index());
  }

 private:
  ws_group ws_;
  result_tracker tracker_;
  std::vector<std::unique_ptr<http_connection>> conns_;
  std::optional<driver> driver_;
  uint64_t counter_ = 0;
  uint64_t window_frames_ = 0;
};

} // namespace

run_stats run_fanout(const options& opts, const server_process& server) {
  fanout_run run{opts, server};
  return run.run();
}

} // namespace actodo::bench
