#define CAF_SUITE redis.subscriber

#include "caf/test/unit_test.hpp"

#include "io/redis/cluster_registry.hpp"
#include "io/redis/redis_subscriber.hpp"

#include "tests/redis/fixture.hpp"

using namespace actodo;
using namespace actodo::io::redis;
using namespace std::chrono_literals;

namespace {

struct fixture : test::redis_fixture {
  fixture() : conn(endpoint), registry(conn, prefix) {
    // nop
  }

  /// Starts a subscriber to the partitions channel that records into `box`.
  std::unique_ptr<redis_subscriber>
  subscribe(const redis_endpoint& ep,
            std::chrono::milliseconds ping_interval = 5s) {
    return std::make_unique<redis_subscriber>(
      ep, std::vector<std::string>{registry.partitions_channel()},
      [this](std::string channel, std::string payload) {
        box.add(std::move(channel), std::move(payload));
      },
      [this] { box.subscribed(); }, 300ms, ping_interval);
  }

  /// Calls put_owner until Redis answers (a restart breaks the connection).
  bool put_owner(int32_t partition, partition_owner owner) {
    caf::expected<bool> written{false};
    CAF_CHECK(test::eventually([&] {
      written = registry.put_owner(partition, owner);
      return written || written.error() != ec::unavailable;
    }));
    CAF_REQUIRE(written);
    return *written;
  }

  /// How long `sub.stop()` took, in ms.
  static int64_t stop_time(redis_subscriber& sub) {
    auto start = std::chrono::steady_clock::now();
    sub.stop();
    auto elapsed = std::chrono::steady_clock::now() - start;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
    CAF_MESSAGE("stop() took " << ms.count() << " ms");
    return ms.count();
  }

  redis_connection conn;
  cluster_registry registry;
  test::inbox box;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(subscriber_tests, fixture)

CAF_TEST(it delivers changes and subscribes again after a restart) {
  auto sub = subscribe(endpoint);
  CAF_REQUIRE(box.wait([&] { return box.subscriptions == 1; }));
  CAF_CHECK(sub->subscribed());
  CAF_CHECK(put_owner(7, {"node-a", 3}));
  CAF_REQUIRE(box.wait([&] { return box.messages.size() == 1; }));
  CAF_CHECK_EQUAL(box.messages[0].first, registry.partitions_channel());
  CAF_CHECK_EQUAL(box.messages[0].second, "7 node-a 3");
  // Messages to other channels do not arrive; the subscription persists.
  CAF_REQUIRE(conn.command({"PUBLISH", prefix + "other", "x"}));
  CAF_CHECK(!registry.clear_owner(7, 3));
  CAF_REQUIRE(box.wait([&] { return box.messages.size() == 2; }));
  CAF_CHECK_EQUAL(box.messages[1].second, "7 - 3");
  server("restart");
  CAF_REQUIRE(box.wait([&] { return box.subscriptions == 2; }));
  // The server lost everything: epoch 1 is new again.
  CAF_CHECK(put_owner(7, {"node-b", 1}));
  CAF_REQUIRE(box.wait([&] { return box.messages.size() == 3; }));
  CAF_CHECK_EQUAL(box.messages[2].second, "7 node-b 1");
  // Idle, the thread waits for 5 s (its next PING): stop() wakes it. The
  // bound is for liveness, not speed.
  auto elapsed = stop_time(*sub);
  CAF_CHECK_LESS(elapsed, 1000);
  CAF_CHECK(!sub->subscribed());
  CAF_CHECK(put_owner(7, {"node-c", 2}));
  std::this_thread::sleep_for(100ms);
  std::lock_guard<std::mutex> guard{box.mtx};
  CAF_CHECK_EQUAL(box.messages.size(), 3u);
}

CAF_TEST(a server that stops answering is noticed by the PING) {
  auto sub = subscribe(endpoint, 200ms);
  CAF_REQUIRE(box.wait([&] { return box.subscriptions == 1; }));
  // The connection stays open but nothing is answered for 1.5 s: only the
  // PING can tell (a subscriber that waited for messages would sit there).
  CAF_REQUIRE(conn.command({"CLIENT", "PAUSE", "1500", "ALL"}));
  CAF_REQUIRE(box.wait([&] { return box.subscriptions == 2; }));
  CAF_CHECK(!!sub->last_error());
  CAF_MESSAGE("last error: " << describe(sub->last_error()));
  CAF_CHECK(put_owner(1, {"node-a", 1}));
  CAF_REQUIRE(box.wait([&] { return box.messages.size() == 1; }));
  CAF_CHECK_EQUAL(box.messages[0].second, "1 node-a 1");
}

CAF_TEST(it retries an unreachable server until stopped) {
  auto ep = endpoint;
  ep.port = 1; // Nothing listens on port 1 of 127.0.0.1.
  auto sub = subscribe(ep);
  CAF_CHECK(test::eventually([&] { return !!sub->last_error(); }));
  auto err = sub->last_error();
  CAF_CHECK_EQUAL(err, ec::unavailable);
  CAF_MESSAGE(describe(err));
  CAF_CHECK_NOT_EQUAL(describe(err).find("cannot connect"), std::string::npos);
  CAF_CHECK(!sub->subscribed());
  // After 100 + 200 + 400 + 800 ms of backoff it waits 1.6 s: stop() wakes
  // it (the bound is for liveness, not speed).
  std::this_thread::sleep_for(1600ms);
  CAF_CHECK_LESS(stop_time(*sub), 1000);
  sub.reset();
  CAF_CHECK_EQUAL(box.subscriptions, 0);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(change messages parse) {
  auto set = parse_partition_change("12 node-a 9007199254740993");
  CAF_REQUIRE(set);
  CAF_CHECK_EQUAL(set->partition, 12);
  CAF_CHECK_EQUAL(set->node, "node-a");
  CAF_CHECK_EQUAL(set->epoch, 9007199254740993);
  auto cleared = parse_partition_change("0 - 4");
  CAF_REQUIRE(cleared);
  CAF_CHECK(cleared->node.empty());
  CAF_CHECK_EQUAL(encode_change(*cleared), "0 - 4");
  for (auto bad : {"", "1", "1 n", "x n 1", "1 n x", "-1 n 1", "1 a b 2"}) {
    auto res = parse_partition_change(bad);
    CAF_CHECK(!res);
    if (!res)
      CAF_CHECK_EQUAL(res.error(), ec::invalid_record);
  }
}
