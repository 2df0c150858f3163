#define CAF_SUITE config.cluster

#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "config/config.hpp"
#include "config/error.hpp"

namespace {

/// Loads `cli` (and `env`) into a fresh config.
caf::error load(actodo::config::app_config& cfg, std::vector<std::string> cli,
                std::vector<std::string> env = {}) {
  std::vector<char*> envp;
  for (auto& x : env)
    envp.push_back(x.data());
  envp.push_back(nullptr);
  return actodo::config::load(cfg, cli, envp.data());
}

/// A complete cluster command line plus `extra`.
std::vector<std::string> cluster_cli(std::vector<std::string> extra = {}) {
  std::vector<std::string> cli{"--cluster.redis=redis://127.0.0.1:6379",
                               "--store=postgresql://actodo@127.0.0.1/actodo",
                               "--kafka.brokers=127.0.0.1:9092",
                               "--cluster.node-id=node-a",
                               "--cluster.port=0",
                               "--cluster.tls-dir=/etc/actodo/cluster"};
  cli.insert(cli.end(), extra.begin(), extra.end());
  return cli;
}

/// Removes every argument that starts with `prefix`.
std::vector<std::string> without(std::vector<std::string> cli,
                                 const std::string& prefix) {
  std::vector<std::string> result;
  for (auto& x : cli)
    if (x.rfind(prefix, 0) != 0)
      result.push_back(x);
  return result;
}

/// Checks that `cli` fails naming `option`, with `words` in the message.
void check_refused(std::vector<std::string> cli, const std::string& option,
                   const std::string& words) {
  actodo::config::app_config cfg;
  auto err = load(cfg, std::move(cli));
  CAF_REQUIRE(err);
  auto text = actodo::describe(err);
  CAF_MESSAGE(text);
  CAF_CHECK_NOT_EQUAL(text.find("--" + option + ":"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(text.find(words), std::string::npos);
}

} // namespace

CAF_TEST(a node without cluster options runs alone) {
  actodo::config::app_config cfg;
  CAF_REQUIRE_EQUAL(load(cfg, {}), caf::none);
  CAF_CHECK(cfg.cluster.redis.empty());
  CAF_CHECK_EQUAL(cfg.cluster.port, -1);
}

CAF_TEST(a complete cluster command line loads) {
  actodo::config::app_config cfg;
  CAF_REQUIRE_EQUAL(load(cfg, cluster_cli({"--cluster.advertise=10.0.0.5:7000",
                                           "--cluster.session-timeout=6s"})),
                    caf::none);
  CAF_CHECK_EQUAL(cfg.cluster.node_id, "node-a");
  CAF_CHECK_EQUAL(cfg.cluster.port, 0);
  CAF_CHECK_EQUAL(cfg.cluster.advertise, "10.0.0.5:7000");
  CAF_CHECK_EQUAL(cfg.cluster.session_timeout, caf::timespan{6000000000});
}

CAF_TEST(cluster options come from ACTODO_CLUSTER variables) {
  actodo::config::app_config cfg;
  CAF_REQUIRE_EQUAL(load(cfg, without(cluster_cli(), "--cluster.node-id"),
                         {"ACTODO_CLUSTER_NODE_ID=from-env",
                          "ACTODO_CLUSTER_SESSION_TIMEOUT=4s"}),
                    caf::none);
  CAF_CHECK_EQUAL(cfg.cluster.node_id, "from-env");
  CAF_CHECK_EQUAL(cfg.cluster.session_timeout, caf::timespan{4000000000});
}

CAF_TEST(cluster mode without a shared store or without Kafka is refused) {
  check_refused(without(cluster_cli(), "--store"), "store",
                "needs a store every node shares");
  check_refused(without(cluster_cli(), "--store"), "store", "postgresql://");
  auto sqlite = without(cluster_cli(), "--store");
  sqlite.push_back("--store=sqlite:/tmp/x.db");
  check_refused(sqlite, "store", "an SQLite file belongs to one node");
  check_refused(without(cluster_cli(), "--kafka.brokers"), "kafka.brokers",
                "cluster mode needs Kafka");
}

CAF_TEST(cluster mode needs a node id a port and TLS files) {
  check_refused(without(cluster_cli(), "--cluster.node-id"), "cluster.node-id",
                "needs a name");
  check_refused(cluster_cli({"--cluster.node-id=a b"}), "cluster.node-id",
                "letters, digits");
  check_refused(without(cluster_cli(), "--cluster.port"), "cluster.port",
                "BASP endpoint");
  check_refused(cluster_cli({"--cluster.port=70000"}), "cluster.port",
                "between 0 and 65535");
  check_refused(without(cluster_cli(), "--cluster.tls-dir"), "cluster.tls-dir",
                "actodo cluster certs");
  check_refused(cluster_cli({"--cluster.advertise=nohost"}),
                "cluster.advertise", "HOST:PORT");
  check_refused(cluster_cli({"--cluster.redis=http://x"}), "cluster.redis",
                "redis://");
  check_refused(cluster_cli({"--cluster.heartbeat=9s"}), "cluster.heartbeat",
                "a third");
  check_refused(cluster_cli({"--auth=token"}), "jwt-secret", "the same key");
}

CAF_TEST(plain BASP only on loopback and never with TLS files) {
  auto plain = without(cluster_cli(), "--cluster.tls-dir");
  plain.push_back("--cluster.insecure");
  actodo::config::app_config cfg;
  CAF_CHECK_EQUAL(load(cfg, plain), caf::none);
  auto wide = plain;
  wide.push_back("--cluster.host=0.0.0.0");
  check_refused(wide, "cluster.insecure", "loopback");
  check_refused(cluster_cli({"--cluster.insecure"}), "cluster.insecure",
                "conflicts with --cluster.tls-dir");
}

CAF_TEST(cluster options without cluster redis are refused) {
  check_refused({"--cluster.node-id=a"}, "cluster.redis", "cluster mode");
  check_refused({"--cluster.port=7000"}, "cluster.redis", "cluster mode");
}
