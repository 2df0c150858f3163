#define CAF_SUITE redis.registry

#include "caf/test/unit_test.hpp"

#include "io/redis/cluster_registry.hpp"

#include "tests/redis/fixture.hpp"

using namespace actodo;
using namespace actodo::io::redis;
using namespace std::chrono_literals;

namespace {

/// Short enough to wait for, long enough to read back before it ends.
constexpr auto short_ttl = 400ms;

struct fixture : test::redis_fixture {
  fixture() : conn(endpoint), registry(conn, prefix) {
    // nop
  }

  static node_record node(std::string id, std::vector<int32_t> partitions) {
    node_record result;
    result.id = std::move(id);
    result.address = "127.0.0.1:4242";
    result.http = "[::1]:8080";
    result.since_ms = 1700000000123;
    result.partitions = std::move(partitions);
    result.users = 12;
    result.sessions = 34;
    return result;
  }

  std::vector<std::string> node_ids() {
    auto live = registry.nodes();
    if (!live)
      CAF_FAIL("nodes: " << describe(live.error()));
    std::vector<std::string> ids;
    for (auto& n : *live)
      ids.push_back(n.id);
    return ids;
  }

  std::vector<std::string> presence(const std::string& user) {
    auto nodes = registry.presence(user);
    if (!nodes)
      CAF_FAIL("presence: " << describe(nodes.error()));
    return *nodes;
  }

  std::map<int32_t, partition_owner> owners() {
    auto map = registry.owners();
    if (!map)
      CAF_FAIL("owners: " << describe(map.error()));
    return std::move(*map);
  }

  /// Runs a command that must succeed.
  redis_reply run(const std::vector<std::string>& argv) {
    auto reply = conn.command(argv);
    if (!reply)
      CAF_FAIL(argv[0] << ": " << describe(reply.error()));
    return std::move(*reply);
  }

  using ids = std::vector<std::string>;

  redis_connection conn;
  cluster_registry registry;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(registry_tests, fixture)

CAF_TEST(nodes are listed until their TTL ends or they are removed) {
  CAF_REQUIRE(!registry.put_node(node("node-b", {1, 3}), 10s));
  CAF_REQUIRE(!registry.put_node(node("node-a", {}), 10s));
  CAF_REQUIRE(!registry.put_node(node("node-c", {0}), short_ttl));
  auto live = registry.nodes();
  CAF_REQUIRE(live);
  CAF_REQUIRE_EQUAL(live->size(), 3u);
  auto& b = (*live)[1];
  CAF_CHECK_EQUAL(b.id, "node-b");
  CAF_CHECK_EQUAL(b.address, "127.0.0.1:4242");
  CAF_CHECK_EQUAL(b.http, "[::1]:8080");
  CAF_CHECK_EQUAL(b.since_ms, 1700000000123);
  CAF_CHECK_EQUAL(b.partitions, (std::vector<int32_t>{1, 3}));
  CAF_CHECK_EQUAL(b.users, 12);
  CAF_CHECK_EQUAL(b.sessions, 34);
  CAF_CHECK((*live)[0].partitions.empty());
  CAF_CHECK_EQUAL((*live)[2].id, "node-c");
  // node-c expires: gone from the listing, its hash and the index.
  CAF_CHECK(test::eventually([&] { return node_ids().size() == 2; }, 5s));
  CAF_CHECK_EQUAL(node_ids(), (ids{"node-a", "node-b"}));
  CAF_CHECK(run({"ZSCORE", prefix + "nodes", "node-c"}).is_nil());
  CAF_CHECK_EQUAL(run({"EXISTS", prefix + "node:node-c"}).integer, 0);
  // A refresh replaces the record and extends its life.
  auto a = node("node-a", {5});
  a.sessions = 1;
  CAF_REQUIRE(!registry.put_node(a, 10s));
  live = registry.nodes();
  CAF_REQUIRE(live && !live->empty());
  CAF_CHECK_EQUAL(live->front().partitions, (std::vector<int32_t>{5}));
  CAF_CHECK_EQUAL(live->front().sessions, 1);
  CAF_CHECK_GREATER(run({"PTTL", prefix + "node:node-a"}).integer, 5000);
  CAF_CHECK(!registry.remove_node("node-b"));
  CAF_CHECK_EQUAL(node_ids(), ids{"node-a"});
  CAF_CHECK(!registry.remove_node("node-b")); // Idempotent.
}

CAF_TEST(bad arguments are refused before anything is sent) {
  auto check = [](const auto& result, const char* field) {
    caf::error err;
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, caf::error>)
      err = result;
    else if (!result)
      err = result.error();
    CAF_CHECK_EQUAL(err, ec::invalid_field);
    CAF_CHECK_EQUAL(error_field(err), field);
  };
  check(registry.put_node(node("node a", {}), 1s), "node.id");
  check(registry.put_node(node("-a", {}), 1s), "node.id");
  check(registry.put_node(node("", {}), 1s), "node.id");
  check(registry.put_node(node(std::string(129, 'n'), {}), 1s), "node.id");
  check(registry.put_node(node("a", {-1}), 1s), "node.partitions");
  check(registry.put_node(node("a", {}), 0ms), "ttl");
  auto no_port = node("a", {});
  no_port.address = "host";
  check(registry.put_node(no_port, 1s), "node.address");
  check(registry.remove_node("a b"), "node.id");
  check(registry.put_owner(-1, {"a", 1}), "partition");
  check(registry.put_owner(1, {"a b", 1}), "node.id");
  check(registry.put_owner(1, {"a", -1}), "epoch");
  check(registry.put_presence("a", {{"", 1}}, 1s), "user");
  check(registry.presence(std::string(257, 'u')), "user");
  CAF_CHECK(node_ids().empty());
  CAF_CHECK(owners().empty());
}

CAF_TEST(put_owner writes only a higher epoch) {
  CAF_CHECK_EQUAL(registry.put_owner(3, {"node-a", 5}), true);
  CAF_CHECK_EQUAL(registry.put_owner(3, {"node-b", 4}), false);
  CAF_CHECK_EQUAL(registry.put_owner(3, {"node-b", 5}), false);
  auto map = registry.owners();
  CAF_REQUIRE(map);
  CAF_REQUIRE_EQUAL(map->size(), 1u);
  CAF_CHECK_EQUAL(map->at(3).node, "node-a");
  CAF_CHECK_EQUAL(map->at(3).epoch, 5);
  CAF_CHECK_EQUAL(registry.put_owner(3, {"node-b", 6}), true);
  CAF_CHECK_EQUAL(registry.put_owner(0, {"node-a", 0}), true);
  // Epochs compare exactly beyond 2^53 (where Lua's doubles cannot tell
  // 2^53 from 2^53 + 1).
  CAF_CHECK_EQUAL(registry.put_owner(9, {"node-a", 9007199254740992}), true);
  CAF_CHECK_EQUAL(registry.put_owner(9, {"node-b", 9007199254740993}), true);
  CAF_CHECK_EQUAL(registry.put_owner(9, {"node-a", 9007199254740993}), false);
  CAF_CHECK_EQUAL(registry.put_owner(9, {"node-a", 10000000000000000}), true);
  map = registry.owners();
  CAF_REQUIRE(map);
  CAF_CHECK_EQUAL(map->size(), 3u);
  CAF_CHECK_EQUAL(map->at(0).node, "node-a");
  CAF_CHECK_EQUAL(map->at(3).node, "node-b");
  CAF_CHECK_EQUAL(map->at(3).epoch, 6);
  CAF_CHECK_EQUAL(map->at(9).epoch, 10000000000000000);
}

CAF_TEST(clear_owner removes only the matching epoch) {
  CAF_REQUIRE_EQUAL(registry.put_owner(4, {"node-a", 7}), true);
  auto err = registry.clear_owner(4, 6);
  CAF_CHECK_EQUAL(err, ec::conflict);
  CAF_CHECK_EQUAL(describe(err),
                  "partition 4 is held by node-a at epoch 7, not at epoch 6");
  CAF_CHECK_EQUAL(owners().count(4), 1u);
  CAF_CHECK(!registry.clear_owner(4, 7));
  CAF_CHECK(owners().empty());
  CAF_CHECK(!registry.clear_owner(4, 7)); // Nothing left to clear.
  // A cleared partition takes any epoch again.
  CAF_CHECK_EQUAL(registry.put_owner(4, {"node-b", 1}), true);
}

CAF_TEST(presence lists the nodes whose entries have not expired) {
  CAF_REQUIRE(
    !registry.put_presence("node-a", {{"alice", 2}, {"bob", 1}}, 10s));
  CAF_REQUIRE(!registry.put_presence("node-b", {{"alice", 1}}, short_ttl));
  CAF_CHECK_EQUAL(presence("alice"), (ids{"node-a", "node-b"}));
  CAF_CHECK_EQUAL(presence("bob"), ids{"node-a"});
  CAF_CHECK(presence("carol").empty());
  CAF_CHECK(
    test::eventually([&] { return presence("alice").size() == 1; }, 5s));
  CAF_CHECK_EQUAL(presence("alice"), ids{"node-a"});
  // The key lives as long as its longest entry.
  auto pttl = conn.command({"PTTL", prefix + "presence:alice"});
  CAF_REQUIRE(pttl);
  CAF_CHECK_GREATER(pttl->integer, 5000);
  CAF_CHECK(!registry.drop_presence("node-a", "bob"));
  CAF_CHECK(presence("bob").empty());
  CAF_CHECK_EQUAL(run({"EXISTS", prefix + "presence:bob"}).integer, 0);
  // A count of 0 removes the entry, in the same call as the others.
  CAF_REQUIRE(
    !registry.put_presence("node-a", {{"alice", 0}, {"dave", 1}}, 10s));
  CAF_CHECK(presence("alice").empty());
  CAF_CHECK_EQUAL(presence("dave"), ids{"node-a"});
}

CAF_TEST(presence of many users goes in one call) {
  std::map<std::string, int64_t> sessions;
  for (int i = 0; i < 1200; ++i)
    sessions.emplace("user-" + std::to_string(i), 1);
  CAF_REQUIRE(!registry.put_presence("node-a", sessions, 10s));
  CAF_CHECK_EQUAL(presence("user-0"), ids{"node-a"});
  CAF_CHECK_EQUAL(presence("user-1199"), ids{"node-a"});
  CAF_CHECK(!registry.put_presence("node-a", {}, 10s));
}

CAF_TEST_FIXTURE_SCOPE_END()
