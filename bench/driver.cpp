#include "bench/driver.hpp"

namespace actodo::bench {

run_window::run_window(std::chrono::milliseconds warmup,
                       std::chrono::milliseconds duration,
                       std::chrono::milliseconds drain)
  : start(clock_type::now()),
    from(start + warmup),
    until(from + duration),
    drain_until(until + drain) {}

bool run_until(net::io_context& ioc, time_point deadline,
               const std::function<bool()>& done) {
  net::steady_timer timer{ioc};
  std::function<void()> poll = [&] {
    if (done() || clock_type::now() >= deadline) {
      ioc.stop();
      return;
    }
    timer.expires_after(std::chrono::milliseconds{2});
    timer.async_wait([&](beast::error_code ec) {
      if (ec != net::error::operation_aborted)
        poll();
    });
  };
  ioc.restart();
  net::post(ioc, poll);
  ioc.run();
  return done();
}

driver::driver(net::io_context& ioc, size_t slots, double rate,
               const run_window& window, fire_fn fire)
  : timer_(ioc),
    slots_(slots),
    rate_(rate),
    window_(window),
    fire_(std::move(fire)) {
  for (size_t i = slots; i > 0; --i)
    free_.push_back(i - 1);
}

void driver::start() {
  if (rate_ <= 0) {
    auto now = clock_type::now();
    while (!free_.empty()) {
      auto slot = free_.back();
      free_.pop_back();
      fire(slot, now);
    }
  }
  tick();
}

void driver::fire(size_t slot, time_point intended) {
  ++sent_;
  fire_(slot, intended);
}

void driver::done(size_t slot) {
  auto now = clock_type::now();
  if (now >= window_.until)
    stopped_ = true;
  if (!stopped_ && rate_ <= 0) {
    fire(slot, now);
  } else if (!stopped_ && !backlog_.empty()) {
    auto intended = backlog_.front();
    backlog_.pop_front();
    fire(slot, intended);
  } else {
    free_.push_back(slot);
  }
}

void driver::tick() {
  auto now = clock_type::now();
  if (now >= window_.until) {
    stopped_ = true;
    return;
  }
  if (rate_ <= 0) {
    // Closed loop: only watch for the end of the window.
    timer_.expires_at(window_.until);
    timer_.async_wait([this](beast::error_code) { tick(); });
    return;
  }
  auto interval = std::chrono::duration<double>(1.0 / rate_);
  auto due = [&](uint64_t i) {
    return window_.start
           + std::chrono::duration_cast<clock_type::duration>(interval * i);
  };
  while (due(next_index_) <= now)
    backlog_.push_back(due(next_index_++));
  while (!free_.empty() && !backlog_.empty()) {
    auto slot = free_.back();
    free_.pop_back();
    auto intended = backlog_.front();
    backlog_.pop_front();
    fire(slot, intended);
  }
  // Wake at the next due time, but batch at most every 200 us.
  auto next = std::max(due(next_index_), now + std::chrono::microseconds{200});
  timer_.expires_at(next);
  timer_.async_wait([this](beast::error_code) { tick(); });
}

} // namespace actodo::bench
