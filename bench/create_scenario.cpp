#include <optional>

#include "bench/http_connection.hpp"
#include "bench/result_tracker.hpp"
#include "bench/scenario.hpp"
#include "bench/ws_group.hpp"

namespace actodo::bench {

namespace {

/// async-create and sync-create: `--connections` keep-alive connections POST
/// todos while one WebSocket per user receives its result frames. With
/// `--users` above 1 each request is the next user's, round-robin.
class create_run : public scenario_base, public http_listener {
 public:
  create_run(const options& opts, const server_process& server, bool sync)
    : scenario_base(opts, server), sync_(sync), tracker_(1, window_, stats_) {
    for (auto& who : opts.users)
      ws_.push_back(
        std::make_unique<ws_group>(ioc_, endpoint_, who, stats_.errors));
  }

  run_stats run() {
    stats_.latency_of = sync_ ? "POST (intended send) -> 201"
                              : "POST (intended send) -> result frame";
    for (auto& group : ws_) {
      group->on_frames([this](ws_client&, std::string_view frame) {
        if (frame.rfind(R"({"type":"result")", 0) == 0) {
          ++results_;
          if (!sync_)
            tracker_.result(json_string_field(frame, R"("request_id":")"),
                            clock_type::now());
        }
      });
      group->open(1, 1);
    }
    auto deadline = clock_type::now() + std::chrono::seconds{60};
    if (!run_until(ioc_, deadline, [this] {
          size_t welcomed = 0;
          size_t failed = 0;
          for (auto& group : ws_) {
            welcomed += group->welcomed();
            failed += group->failed();
          }
          return welcomed == ws_.size() || failed > 0;
        })) {
      ++stats_.errors["ws_open_failed"];
      return stats_;
    }
    conns_ = open_connections(*this);
    begin_window();
    driver_.emplace(ioc_, conns_.size(), opts_.rate, window_,
                    [this](size_t slot, time_point intended) {
                      fire(slot, intended);
                    });
    driver_->start();
    run_until(ioc_, window_.drain_until, [this] {
      return after_window() && driver_->idle()
             && (sync_ ? results_ >= created_ : tracker_.outstanding() == 0);
    });
    after_window();
    for (auto& conn : conns_)
      conn->close();
    for (auto& group : ws_)
      group->close_all();
    stats_.sent = driver_->sent();
    stats_.unsent = driver_->unsent();
    if (driver_->idle() == false)
      stats_.errors["no_http_response"] += conns_.size() - free_count();
    if (sync_) {
      if (results_ < created_)
        stats_.errors["missing_result"] += created_ - results_;
      stats_.figures["created_201"] = static_cast<double>(created_);
    } else {
      tracker_.finish(stats_.errors);
      stats_.figures["accepted_202"] = static_cast<double>(
        tracker_.accepted_total);
    }
    stats_.figures["result_frames"] = static_cast<double>(results_);
    uint64_t frames = 0;
    for (auto& group : ws_)
      frames += group->frames;
    stats_.figures["ws_frames"] = static_cast<double>(frames);
    stats_.figures["users"] = static_cast<double>(ws_.size());
    return stats_;
  }

  void on_response(http_connection& conn, beast::error_code ec,
                   const char* what,
                   http::response<http::string_body>& res) override {
    auto now = clock_type::now();
    if (ec) {
      ++stats_.errors[std::string{"http_"} + what + "_" + ec.message()];
    } else if (!sync_ && res.result_int() == 202) {
      auto id = json_string_field(res.body(), R"("request_id":")");
      if (id.empty())
        ++stats_.errors["no_request_id"];
      else
        tracker_.accepted(id, conn.intended);
    } else if (sync_ && res.result_int() == 201) {
      ++created_;
      if (window_.measured(conn.intended))
        stats_.latency.record(nanos_between(conn.intended, now));
      count_completion(stats_, window_.from, now);
    } else {
      ++stats_.errors["http_status_" + std::to_string(res.result_int())];
    }
    driver_->done(conn.index());
  }

 private:
  void fire(size_t slot, time_point intended) {
    auto& conn = *conns_[slot];
    conn.intended = intended;
    conn.act_as(opts_.users[counter_ % opts_.users.size()]);
    std::string body = R"({"title":"bench todo )";
    body += std::to_string(counter_++);
    body += "\"}";
    conn.send(http::verb::post, "/api/v1/todos", std::move(body), sync_);
  }

  size_t free_count() const {
    size_t n = 0;
    for (auto& conn : conns_)
      n += conn->busy() ? 0 : 1;
    return n;
  }

  bool sync_;
  /// One per user, each with one WebSocket.
  std::vector<std::unique_ptr<ws_group>> ws_;
  result_tracker tracker_;
  std::vector<std::unique_ptr<http_connection>> conns_;
  std::optional<driver> driver_;
  uint64_t counter_ = 0;
  uint64_t created_ = 0;
  uint64_t results_ = 0;
};

} // namespace

run_stats run_create(const options& opts, const server_process& server,
                     bool sync) {
  create_run run{opts, server, sync};
  return run.run();
}

} // namespace actodo::bench
