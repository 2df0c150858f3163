#pragma once

// The Redis server under test: tests/redis/redis_server.sh started it in
// ACTODO_TEST_REDIS_DIR (its URI is in DIR/uri); ACTODO_TEST_REDIS_SCRIPT
// is the script, for restarts. A missing server fails the test; nothing
// is skipped. Each test gets a key prefix of its own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "io/redis/redis_uri.hpp"

namespace actodo::test {

inline std::string redis_env(const char* name) {
  auto value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    CAF_FAIL(name << " is not set (run the tests with ctest: the `redis` "
                     "fixture starts tests/redis/redis_server.sh)");
  return value;
}

/// Waits until `pred` holds, checking every 20 ms for at most `timeout`;
/// whether it held.
inline bool
eventually(const std::function<bool()>& pred,
           std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return true;
}

struct redis_fixture {
  redis_fixture()
    : dir(redis_env("ACTODO_TEST_REDIS_DIR")),
      script(redis_env("ACTODO_TEST_REDIS_SCRIPT")) {
    std::ifstream in{dir + "/uri"};
    if (!std::getline(in, uri) || uri.empty())
      CAF_FAIL("no Redis test server in " << dir << " (no uri file)");
    auto parsed = io::redis::parse_redis_uri(uri);
    if (!parsed)
      CAF_FAIL("bad URI " << uri << ": " << describe(parsed.error()));
    endpoint = std::move(*parsed);
    static std::atomic<int> next{0};
    prefix = "test:" + std::to_string(::getpid()) + ":" + std::to_string(next++)
             + ":";
  }

  /// Runs `redis_server.sh <what> DIR` (restart: all data is lost).
  void server(const std::string& what) const {
    auto cmd = "'" + script + "' " + what + " '" + dir + "'";
    if (std::system(cmd.c_str()) != 0)
      CAF_FAIL(cmd << " failed");
  }

  std::string dir;
  std::string script;
  std::string uri;
  io::redis::redis_endpoint endpoint;
  /// Keys, channels and ACL users of this test start with it.
  std::string prefix;
};

/// What a subscriber's handlers saw, for waiting on from the test thread.
struct inbox {
  void add(std::string channel, std::string payload) {
    std::lock_guard<std::mutex> guard{mtx};
    messages.emplace_back(std::move(channel), std::move(payload));
    cv.notify_all();
  }

  void subscribed() {
    std::lock_guard<std::mutex> guard{mtx};
    ++subscriptions;
    cv.notify_all();
  }

  /// Waits up to 10 s until `pred` holds (under the lock); whether it did.
  bool wait(const std::function<bool()>& pred) {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, std::chrono::seconds{10}, pred);
  }

  std::mutex mtx;
  std::condition_variable cv;
  std::vector<std::pair<std::string, std::string>> messages;
  int subscriptions = 0;
};

} // namespace actodo::test
