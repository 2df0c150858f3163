#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace actodo::bench {

/// Log-linear histogram of non-negative integers (nanoseconds here), in the
/// spirit of HdrHistogram: values below 256 are exact, above that each power
/// of two is split into 128 equal buckets, so a bucket's width is at most
/// 1/128 of its lower bound (< 0.8 % relative error; reported values are the
/// bucket's midpoint, < 0.4 %). Min, max and the mean are exact.
class histogram {
 public:
  histogram();

  /// Adds one value.
  void record(uint64_t value);

  /// Adds every value of `other`.
  void merge(const histogram& other);

  /// The value at quantile `q` in [0, 1]; 0 when empty.
  uint64_t percentile(double q) const;

  uint64_t count() const {
    return count_;
  }

  uint64_t min() const {
    return count_ == 0 ? 0 : min_;
  }

  uint64_t max() const {
    return max_;
  }

  double mean() const;

  /// Checks the error bound against exact percentiles of known inputs;
  /// prints failures to stderr and returns whether all checks passed.
  static bool self_check();

 private:
  static std::size_t index_of(uint64_t value);
  static uint64_t midpoint_of(std::size_t index);

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

} // namespace actodo::bench
