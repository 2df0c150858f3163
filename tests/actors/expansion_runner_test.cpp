#define CAF_SUITE actors.expansion_runner

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "caf/test/unit_test.hpp"

#include "actors/expansion_runner.hpp"

using actodo::actors::expansion_runner;
using actodo::actors::run_verdict;
using namespace std::chrono_literals;

CAF_TEST(a fast call returns its result) {
  expansion_runner runner;
  run_verdict verdict;
  auto res = runner.run<int>([] { return 42; }, 5000ms, verdict);
  CAF_CHECK(verdict == run_verdict::done);
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(*res, 42);
}

CAF_TEST(a slow call times out and keeps its runner busy until it ends) {
  expansion_runner runner;
  run_verdict verdict;
  auto res = runner.run<int>(
    [] {
      std::this_thread::sleep_for(500ms);
      return 1;
    },
    20ms, verdict);
  CAF_CHECK(verdict == run_verdict::timed_out);
  CAF_CHECK(!res.has_value());
  CAF_CHECK_EQUAL(expansion_runner::abandoned(), 1u);
  res = runner.run<int>([] { return 2; }, 5000ms, verdict);
  CAF_CHECK(verdict == run_verdict::busy);
  CAF_CHECK(!res.has_value());
  // Another runner (another user) is not affected.
  expansion_runner other;
  res = other.run<int>([] { return 3; }, 5000ms, verdict);
  CAF_CHECK(verdict == run_verdict::done);
  for (int i = 0; i < 100 && expansion_runner::abandoned() > 0; ++i)
    std::this_thread::sleep_for(20ms);
  CAF_CHECK_EQUAL(expansion_runner::abandoned(), 0u);
  res = runner.run<int>([] { return 4; }, 5000ms, verdict);
  CAF_CHECK(verdict == run_verdict::done);
  CAF_CHECK_EQUAL(res.value_or(0), 4);
}

CAF_TEST(a successor never waits for an abandoned preview of the user) {
  expansion_runner runner;
  run_verdict verdict;
  runner.run<int>(
    [] {
  std::this_thread::sleep_for(500ms);
  return 1;
    },
    20ms, verdict);
  CAF_REQUIRE(verdict == run_verdict::timed_out);
  // A preview is refused while the abandoned call runs ...
  runner.run<int>([] {
  return 2; }, 5000ms, verdict);
  CAF_CHECK(verdict == run_verdict::busy);
  // ... but a successor (not exclusive) runs at once on its own thread,
  // and a slow one returns after the limit instead of blocking the actor.
  auto res = runner.run<int>([] {
  return 3; }, 5000ms, verdict, false);
  CAF_CHECK(verdict == run_verdict::done);
  CAF_CHECK_EQUAL(res.value_or(0), 3);
  // The call cannot end before `gate` opens, which happens only after run
  // returned: a runner that waited for it would never return.
  auto gate = std::make_shared<std::promise<void>>();
  res = runner.run<int>(
    [opened = gate->get_future().share()] {
  opened.wait();
  return 4;
    },
    20ms, verdict, false);
  CAF_CHECK(verdict == run_verdict::timed_out);
  gate->set_value();
  for (int i = 0; i < 100 && expansion_runner::abandoned() > 0; ++i)
    std::this_thread::sleep_for(20ms);
  CAF_CHECK_EQUAL(expansion_runner::abandoned(), 0u);
}
