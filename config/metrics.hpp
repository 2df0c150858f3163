#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace actodo::config {

/// A counter or gauge that any thread may update.
class gauge {
 public:
  void add(int64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }

  void set(int64_t n) noexcept {
    value_.store(n, std::memory_order_relaxed);
  }

  int64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> value_{0};
};

/// A histogram with fixed upper bounds (Prometheus semantics: cumulative on
/// rendering). Lock-free updates.
class histogram {
 public:
  explicit histogram(std::vector<double> bounds);

  void observe(double x) noexcept;

  struct summary {
    uint64_t count = 0;
    double sum = 0;
    /// Upper bound of the bucket that holds the 99th percentile.
    double p99 = 0;
  };

  summary snapshot() const;

  /// Appends the `_bucket`, `_sum` and `_count` samples of `name`.
  void render(std::string& out, const std::string& name,
              const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_; // one more than bounds: +Inf
  std::atomic<uint64_t> sum_micros_{0};
};

/// The kinds of actors a node runs.
enum class actor_kind : uint8_t {
  todo_list,
  session,
  journal,
  user_directory,
  reminder_scheduler,
  accounts,
  inspector,
};

inline constexpr size_t actor_kind_count = 7;

/// `todo_list`, `session`, ...
const char* to_string(actor_kind x);

/// Messages handled by the actors of one kind, and the mailbox depth one of
/// them saw last (sampled every 16th message, by the actor itself).
struct actor_counters {
  std::atomic<uint64_t> handled{0};
  std::atomic<int64_t> mailbox_depth{0};
};

/// The node's metrics, rendered in the Prometheus text exposition format.
/// Updates are relaxed atomics: counting stays off the hot path's way.
class metrics {
 public:
  metrics();

  /// HTTP: one call per answered request. `route` is the route pattern
  /// (bounded cardinality), not the path.
  void http_request(const std::string& route, const std::string& method,
                    int status, double seconds);

  gauge ws_sessions;
  gauge ws_frames_sent;
  gauge ws_frames_received;
  gauge ws_dropped;
  gauge todo_lists;
  gauge todo_lists_spawned;
  gauge todo_lists_passivated;
  gauge journal_commits;
  gauge journal_failures;
  histogram journal_batch_size;
  histogram journal_commit_seconds;
  /// Entries of the due-time index (todos with a pending wake).
  gauge reminders_pending;
  gauge reminders_fired;
  /// Wakes waiting for the catch-up rate after a restart.
  gauge reminders_backlog;
  histogram reminder_lateness_seconds;
  gauge occurrences_generated;
  /// Kafka bridge (io/): records produced (events, results, DLQ), command
  /// records consumed, failed deliveries and rejected records, consumer lag
  /// (records) and outbox backlog (events not yet acknowledged by Kafka).
  gauge kafka_produced;
  gauge kafka_consumed;
  gauge kafka_failed;
  gauge kafka_consumer_lag;
  gauge kafka_outbox_backlog;

  /// Per actor kind (indexed by `actor_kind`).
  std::array<actor_counters, actor_kind_count> actors;

  /// `--no-metrics` turns the per-message and per-request bookkeeping
  /// off (to measure what it costs); gauges of state stay.
  std::atomic<bool> enabled{true};

  actor_counters& of(actor_kind x) noexcept {
    return actors[static_cast<size_t>(x)];
  }

  std::string render() const;

 private:
  struct http_series {
    std::string route;
    std::string method;
    int status;
    gauge count;
  };
  struct route_latency {
    std::string route;
    histogram seconds;
  };

  mutable std::mutex mtx_;
  std::vector<std::unique_ptr<http_series>> http_;
  std::vector<std::unique_ptr<route_latency>> latency_;
};

} // namespace actodo::config
