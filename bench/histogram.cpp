#include "bench/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace actodo::bench {

namespace {

constexpr unsigned sub_bits = 7; // 128 buckets per octave
constexpr uint64_t sub_count = 1u << sub_bits; // 128
constexpr uint64_t linear_limit = sub_count * 2; // 256 exact values
constexpr size_t bucket_count = linear_limit + (64 - sub_bits - 1) * sub_count;

unsigned bit_width(uint64_t x) {
  return x == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(x));
}

} // namespace

histogram::histogram() : counts_(bucket_count, 0) {}

size_t histogram::index_of(uint64_t value) {
  if (value < linear_limit)
    return static_cast<size_t>(value);
  auto shift = bit_width(value) - sub_bits - 1; // value >> shift in [128, 256)
  return linear_limit + (shift - 1) * sub_count
         + ((value >> shift) - sub_count);
}

uint64_t histogram::midpoint_of(size_t index) {
  if (index < linear_limit)
    return index;
  auto shift = (index - linear_limit) / sub_count + 1;
  auto sub = (index - linear_limit) % sub_count + sub_count;
  uint64_t lower = static_cast<uint64_t>(sub) << shift;
  return lower + ((uint64_t{1} << shift) - 1) / 2;
}

void histogram::record(uint64_t value) {
  ++counts_[index_of(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
}

void histogram::merge(const histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

uint64_t histogram::percentile(double q) const {
  if (count_ == 0)
    return 0;
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank)
      return std::clamp(midpoint_of(i), min(), max_);
  }
  return max_;
}

double histogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

bool histogram::self_check() {
  bool ok = true;
  auto check = [&](const char* what, std::vector<uint64_t> values) {
    histogram h;
    for (auto v : values)
      h.record(v);
    std::sort(values.begin(), values.end());
    for (double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
      auto rank = std::max<size_t>(
        1,
        static_cast<size_t>(std::ceil(q * static_cast<double>(values.size()))));
      auto exact = static_cast<double>(values[rank - 1]);
      auto got = static_cast<double>(h.percentile(q));
      if (std::abs(got - exact) > exact * 0.01) {
        std::fprintf(stderr,
                     "histogram self-check %s: q=%g exact=%.0f got=%.0f\n",
                     what, q, exact, got);
        ok = false;
      }
    }
    if (h.max() != values.back() || h.min() != values.front()) {
      std::fprintf(stderr, "histogram self-check %s: min/max\n", what);
      ok = false;
    }
  };
  std::vector<uint64_t> seq;
  for (uint64_t v = 0; v < 100000; ++v)
    seq.push_back(v);
  check("sequence", seq);
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> lognormal(13.0, 1.5); // ~0.4 ms median
  std::vector<uint64_t> random;
  for (int i = 0; i < 200000; ++i)
    random.push_back(static_cast<uint64_t>(lognormal(rng)));
  check("lognormal", random);
  check("huge", {1, uint64_t{1} << 62, UINT64_MAX / 2, 12345678901234ull});
  // Every bucket boundary maps back within the bound.
  for (uint64_t v = 1; v < (uint64_t{1} << 40); v = v * 3 / 2 + 1) {
    auto mid = static_cast<double>(midpoint_of(index_of(v)));
    if (std::abs(mid - static_cast<double>(v))
        > static_cast<double>(v) * 0.01) {
      std::fprintf(stderr, "histogram self-check bucket of %llu\n",
                   static_cast<unsigned long long>(v));
      ok = false;
    }
  }
  return ok;
}

} // namespace actodo::bench
