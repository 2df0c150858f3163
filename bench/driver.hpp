#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "bench/net.hpp"

namespace actodo::bench {

/// The phases of a run: warm-up from `start`, the measured window
/// [`from`, `until`), then a drain for late answers up to `drain_until`.
struct run_window {
  time_point start;
  time_point from;
  time_point until;
  time_point drain_until;

  run_window() = default;

  /// Starts now.
  run_window(std::chrono::milliseconds warmup,
             std::chrono::milliseconds duration,
             std::chrono::milliseconds drain);

  bool measured(time_point t) const {
    return t >= from && t < until;
  }

  double seconds() const {
    return std::chrono::duration<double>(until - from).count();
  }
};

/// Runs `ioc` until `done()` holds (checked every 2 ms) or `deadline`;
/// returns `done()`.
bool run_until(net::io_context& ioc, time_point deadline,
               const std::function<bool()>& done);

/// Issues requests on `slots` connections until the window's end.
/// Closed loop (`rate == 0`): every slot re-fires as soon as it is done; the
/// intended time is the actual send time. Open loop: request i is due at
/// start + i / rate whether or not a slot is free; due requests wait in a
/// backlog and keep their intended time, so queueing in the generator counts
/// as latency (no coordinated omission).
class driver {
 public:
  /// Starts one request on `slot`; the owner calls `done(slot)` when the
  /// slot is free again.
  using fire_fn = std::function<void(size_t slot, time_point intended)>;

  driver(net::io_context& ioc, size_t slots, double rate,
         const run_window& window, fire_fn fire);

  /// Begins issuing (call from the io thread or before `run`).
  void start();

  /// Marks `slot` free; it fires again if the schedule says so.
  void done(size_t slot);

  /// Requests sent so far.
  uint64_t sent() const {
    return sent_;
  }

  /// Open loop: requests that were due but never sent before the end.
  uint64_t unsent() const {
    return backlog_.size() + unsent_;
  }

  /// No request in flight.
  bool idle() const {
    return free_.size() == slots_;
  }

 private:
  void tick();
  void fire(size_t slot, time_point intended);

  net::steady_timer timer_;
  size_t slots_;
  double rate_;
  const run_window& window_;
  fire_fn fire_;
  std::vector<size_t> free_;
  std::deque<time_point> backlog_;
  uint64_t next_index_ = 0;
  uint64_t sent_ = 0;
  uint64_t unsent_ = 0;
  bool stopped_ = false;
};

} // namespace actodo::bench
