#include <array>
#include <optional>

#include "bench/http_connection.hpp"
#include "bench/scenario.hpp"

namespace actodo::bench {

namespace {

/// The query mix, used round-robin.
constexpr std::array<std::string_view, 6> queries{
  "/api/v1/todos?limit=50",
  "/api/v1/todos?limit=50&priority=high",
  "/api/v1/todos?limit=50&q=abc",
  "/api/v1/todos?limit=50&sort=-priority",
  "/api/v1/todos?limit=50&tag=home&sort=due,-priority",
  "/api/v1/todos?limit=50&completed=false&priority=urgent&sort=due",
};

constexpr std::array<const char*, 5> priorities{"none", "low", "medium", "high",
                                                "urgent"};
constexpr std::array<const char*, 4> words{"abc", "milk", "report", "call"};
constexpr std::array<const char*, 3> tags{"home", "work", "errand"};

/// reads: `--preload` todos (sync creates over all connections), then
/// list/filter queries on `--connections` connections.
class reads_run : public scenario_base, public http_listener {
 public:
  reads_run(const options& opts, const server_process& server)
    : scenario_base(opts, server) {}

  run_stats run() {
    stats_.latency_of = "GET (intended send) -> 200";
    conns_ = open_connections(*this);
    auto preload = static_cast<uint64_t>(opts_.preload);
    for (auto& conn : conns_)
      preload_next(*conn);
    auto limit = clock_type::now() + std::chrono::seconds{60};
    run_until(ioc_, limit, [&] { return loaded_ + failed_ >= preload; });
    stats_.figures["preloaded"] = static_cast<double>(loaded_);
    if (loaded_ < preload) {
      stats_.errors["preload_failed"] += preload - loaded_;
      return stats_;
    }
    preloading_ = false;
    run_until(ioc_, limit, [&] { return free_ == conns_.size(); });
    begin_window();
    driver_.emplace(ioc_, conns_.size(), opts_.rate, window_,
                    [this](size_t slot, time_point intended) {
                      auto& conn = *conns_[slot];
                      conn.intended = intended;
                      auto target = opts_.query.empty()
                                      ? queries[counter_++ % queries.size()]
                                      : std::string_view{opts_.query};
                      conn.send(http::verb::get, target, {}, false);
                    });
    driver_->start();
    run_until(ioc_, window_.drain_until,
              [this] { return after_window() && driver_->idle(); });
    after_window();
    for (auto& conn : conns_)
      conn->close();
    stats_.sent = driver_->sent();
    stats_.unsent = driver_->unsent();
    stats_.figures["response_bytes_per_s"] = static_cast<double>(bytes_)
                                             / window_.seconds();
    stats_.figures["items_per_response"] = stats_.completed == 0
                                             ? 0.0
                                             : static_cast<double>(items_)
                                                 / static_cast<double>(
                                                   stats_.completed);
    return stats_;
  }

  void on_response(http_connection& conn, beast::error_code ec,
                   const char* what,
                   http::response<http::string_body>& res) override {
    auto now = clock_type::now();
    bool ok = !ec && res.result_int() == (preloading_ ? 201 : 200);
    if (ec)
      ++stats_.errors[std::string{"http_"} + what + "_" + ec.message()];
    else if (!ok)
      ++stats_.errors["http_status_" + std::to_string(res.result_int())];
    if (preloading_) {
      ok ? ++loaded_ : ++failed_;
      preload_next(conn);
      return;
    }
    if (ok && window_.measured(conn.intended))
      stats_.latency.record(nanos_between(conn.intended, now));
    if (ok && window_.measured(now)) {
      count_completion(stats_, window_.from, now);
      bytes_ += res.body().size();
      items_ += count_items(res.body());
    }
    driver_->done(conn.index());
  }

 private:
  void preload_next(http_connection& conn) {
    if (issued_ >= static_cast<uint64_t>(opts_.preload)) {
      ++free_;
      return;
    }
    auto i = issued_++;
    std::string body = R"({"title":"task )" + std::to_string(i) + " "
                       + words[i % words.size()] + R"(","priority":")"
                       + priorities[i % priorities.size()] + R"(","tags":[")"
                       + tags[i % tags.size()] + R"("],"due":"2026-12-)"
                       + std::to_string(10 + i % 20) + R"("})";
    conn.send(http::verb::post, "/api/v1/todos", std::move(body), true);
  }

  static uint64_t count_items(std::string_view body) {
    uint64_t n = 0;
    for (auto at = body.find(R"("id":")"); at != std::string_view::npos;
         at = body.find(R"("id":")", at + 1))
      ++n;
    return n;
  }

  std::vector<std::unique_ptr<http_connection>> conns_;
  std::optional<driver> driver_;
  bool preloading_ = true;
  uint64_t issued_ = 0;
  uint64_t loaded_ = 0;
  uint64_t failed_ = 0;
  size_t free_ = 0;
  uint64_t counter_ = 0;
  uint64_t bytes_ = 0;
  uint64_t items_ = 0;
};

} // namespace

run_stats run_reads(const options& opts, const server_process& server) {
  reads_run run{opts, server};
  return run.run();
}

} // namespace actodo::bench
