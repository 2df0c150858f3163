#define CAF_SUITE actors.expansion_runner

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "caf/actor_system.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/test/unit_test.hpp"

#include "actors/expansion_runner.hpp"
#include "actors/interfaces.hpp"

#include "tests/actors/fixture.hpp"

using actodo::actors::expansion_job;
using actodo::actors::expansion_runner;
namespace atom = actodo::atom;
using namespace std::chrono_literals;

namespace {

/// A real actor system: the workers are detached actors with threads of
/// their own, which the deterministic test coordinator does not run.
struct fixture {
  actodo::test::test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  expansion_runner runner;

  /// Starts `fn` and asks the worker with `limit`; true when it answered.
  bool run(std::function<void()> fn, caf::timespan limit,
           std::shared_ptr<expansion_job>& job) {
    auto worker = runner.start(self.ptr(), std::move(fn), job);
    CAF_REQUIRE(worker != nullptr);
    auto answered = false;
    self->request(worker, limit, atom::expand_v)
      .receive([&](atom::expand) { answered = true; },
               [&](caf::error&) { expansion_runner::abandon(*job); });
    return answered;
  }

  void wait_idle() {
    for (int i = 0; i < 500 && expansion_runner::running() > 0; ++i)
      std::this_thread::sleep_for(10ms);
    CAF_CHECK_EQUAL(expansion_runner::running(), 0u);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(expansion_runner_tests, fixture)

CAF_TEST(a fast job answers within the limit) {
  std::shared_ptr<expansion_job> job;
  auto out = std::make_shared<int>(0);
  CAF_CHECK(run([out] { *out = 42; }, 5s, job));
  CAF_CHECK_EQUAL(*out, 42);
  wait_idle();
  CAF_CHECK(job->finished);
}

CAF_TEST(a slow job times out without blocking and keeps previews busy) {
  // The job cannot end before `gate` opens, which happens only after the
  // request timed out: an owner that waited for the job would never return.
  auto gate = std::make_shared<std::promise<void>>();
  std::shared_ptr<expansion_job> job;
  CAF_CHECK(
    !run([opened = gate->get_future().share()] { opened.wait(); }, 50ms, job));
  CAF_CHECK(!job->finished);
  // This user's next preview waits; a successor may still start.
  CAF_CHECK(!runner.may_start(true));
  CAF_CHECK(runner.may_start(false));
  // Another user is not affected.
  expansion_runner other;
  CAF_CHECK(other.may_start(true));
  gate->set_value();
  wait_idle();
  CAF_CHECK(runner.may_start(true));
}

CAF_TEST(a job that throws still ends) {
  std::shared_ptr<expansion_job> job;
  CAF_CHECK(run([] { throw std::runtime_error("boom"); }, 5s, job));
  wait_idle();
  CAF_CHECK(job->finished);
}

CAF_TEST(one user has at most four running jobs) {
  auto gate = std::make_shared<std::promise<void>>();
  auto opened = gate->get_future().share();
  for (size_t i = 0; i < expansion_runner::max_per_user; ++i) {
    CAF_REQUIRE(runner.may_start(false));
    std::shared_ptr<expansion_job> job;
    CAF_CHECK(!run([opened] { opened.wait(); }, 10ms, job));
  }
  CAF_CHECK(!runner.may_start(false));
  gate->set_value();
  wait_idle();
  CAF_CHECK(runner.may_start(false));
}

CAF_TEST_FIXTURE_SCOPE_END()
