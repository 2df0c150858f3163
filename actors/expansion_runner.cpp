#include "actors/expansion_runner.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caf/event_based_actor.hpp"
#include "caf/local_actor.hpp"
#include "caf/spawn_options.hpp"

#include "actors/interfaces.hpp"

namespace actodo::actors {

namespace {

std::atomic<size_t> running_jobs{0};

} // namespace

caf::behavior expansion_worker(caf::event_based_actor* self,
                               std::function<void()> fn,
                               std::shared_ptr<expansion_job> job) {
  return {
    [self, fn, job](atom::expand) {
      job->tid = static_cast<long>(::syscall(SYS_gettid));
      try {
        fn();
      } catch (const std::exception& ex) {
        // The result stays empty; the owner answers for it.
        std::cerr << "actodo: expansion failed: " << ex.what() << '\n';
      }
      job->finished = true;
      --running_jobs;
      self->quit();
      return atom::expand_v;
    },
  };
}

bool expansion_runner::may_start(bool exclusive) {
  jobs_.erase(std::remove_if(jobs_.begin(), jobs_.end(),
                             [](auto& j) { return j->finished.load(); }),
              jobs_.end());
  if (exclusive)
    return jobs_.empty() && running_jobs.load() < max_running;
  return jobs_.size() < max_per_user;
}

caf::actor expansion_runner::start(caf::local_actor* owner,
                                   std::function<void()> fn,
                                   std::shared_ptr<expansion_job>& job) {
  job = std::make_shared<expansion_job>();
  ++running_jobs;
  try {
    auto worker = owner->spawn<caf::detached>(expansion_worker, std::move(fn),
                                              job);
    jobs_.push_back(job);
    return worker;
  } catch (const std::exception& ex) {
    // Out of threads: the caller treats it like a busy user.
    std::cerr << "actodo: cannot start an expansion: " << ex.what() << '\n';
    --running_jobs;
    job->finished = true;
    return {};
  }
}

void expansion_runner::abandon(expansion_job& job) {
  if (auto tid = job.tid.load(); tid != 0 && !job.finished)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 19);
}

size_t expansion_runner::running() {
  return running_jobs.load();
}

} // namespace actodo::actors
