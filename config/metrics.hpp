#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace actodo::config {

/// A counter or gauge that any thread may update.
class gauge {
 public:
  /// Adds `n`; returns the value before.
  int64_t add(int64_t n = 1) noexcept {
    return value_.fetch_add(n, std::memory_order_relaxed);
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

/// Bounds for durations in seconds: 0.1 ms to 10 s.
std::vector<double> latency_bounds();

/// `name="value"`, the value escaped as the exposition format demands.
std::string label(const std::string& name, const std::string& value);

/// The `# TYPE` of a family.
enum class metric_type { counter, gauge, histogram };

/// One named metric: its `# HELP` and `# TYPE` lines and its series, one
/// per set of labels, rendered in the order they were created. Series live
/// as long as the family; creating or finding one takes a lock, updating
/// one does not.
class family {
 public:
  family(std::string name, std::string help, metric_type type,
         std::vector<double> bounds);

  const std::string& name() const noexcept {
    return name_;
  }

  /// The counter or gauge with `labels` (`kind="journal"`; empty: none),
  /// created on first use.
  gauge& at(const std::string& labels = {});

  /// The histogram with `labels`, created on first use with the family's
  /// bounds.
  histogram& histogram_at(const std::string& labels = {});

  /// Shows `g`, a series of another family, under `labels` here too.
  void show(const std::string& labels, const gauge& g);

  /// An unlabelled value computed on every rendering (already formatted).
  void sample(std::function<std::string()> fn);

  /// Appends the HELP and TYPE lines and every series.
  void render(std::string& out) const;

 private:
  struct series {
    std::string labels;
    std::unique_ptr<gauge> owned;
    const gauge* value = nullptr;
    std::unique_ptr<histogram> hist;
    std::function<std::string()> sampled;
  };

  series& find_or_add(const std::string& labels);

  std::string name_;
  std::string help_;
  metric_type type_;
  std::vector<double> bounds_;
  mutable std::mutex mtx_;
  std::vector<std::unique_ptr<series>> series_;
  std::unordered_map<std::string, series*> by_labels_;
};

/// The metric families of a node. Each module registers its own (see the
/// `*_metrics` structs) and keeps references to their series; `render()`
/// writes every family in the Prometheus text exposition format (0.0.4), in
/// registration order.
class registry {
 public:
  /// Adds a family; its name must be new (else `std::logic_error`).
  family& add(std::string name, std::string help, metric_type type,
              std::vector<double> bounds = {});

  /// A family with one unlabelled counter.
  gauge& add_counter(std::string name, std::string help);

  /// A family with one unlabelled gauge.
  gauge& add_gauge(std::string name, std::string help);

  /// A family with one unlabelled histogram.
  histogram& add_histogram(std::string name, std::string help,
                           std::vector<double> bounds);

  std::string render() const;

 private:
  mutable std::mutex mtx_;
  std::vector<std::unique_ptr<family>> families_;
};

} // namespace actodo::config
