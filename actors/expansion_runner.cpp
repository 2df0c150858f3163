#include "actors/expansion_runner.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace actodo::actors {

namespace {

std::atomic<size_t> abandoned_calls{0};

} // namespace

struct expansion_runner::job {
  std::mutex mtx;
  std::condition_variable cv;
  bool finished = false;
  bool abandoned = false;
  long tid = 0;
  std::function<void()> fn;
};

size_t expansion_runner::abandoned() {
  return abandoned_calls.load();
}

run_verdict expansion_runner::start(std::function<void()> fn,
                                    std::chrono::milliseconds limit,
                                    bool exclusive) {
  if (exclusive) {
    if (last_) {
      std::lock_guard<std::mutex> guard{last_->mtx};
      if (!last_->finished)
        return run_verdict::busy;
    }
    last_.reset();
    if (abandoned_calls.load() >= max_abandoned)
      return run_verdict::busy;
  }
  auto j = std::make_shared<job>();
  j->fn = std::move(fn);
  std::thread{[j] {
    {
      std::lock_guard<std::mutex> guard{j->mtx};
      j->tid = static_cast<long>(::syscall(SYS_gettid));
    }
    j->fn();
    bool abandoned = false;
    {
      std::lock_guard<std::mutex> guard{j->mtx};
      j->finished = true;
      abandoned = j->abandoned;
    }
    j->cv.notify_all();
    if (abandoned)
      --abandoned_calls;
  }}.detach();
  std::unique_lock<std::mutex> guard{j->mtx};
  if (j->cv.wait_for(guard, limit, [&j] { return j->finished; }))
    return run_verdict::done;
  j->abandoned = true;
  ++abandoned_calls;
  if (j->tid != 0)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(j->tid), 19);
  if (exclusive)
    last_ = j;
  return run_verdict::timed_out;
}

} // namespace actodo::actors
