#include "io/cluster/cluster.hpp"

#include "caf/exit_reason.hpp"
#include "caf/io/middleman.hpp"
#include "caf/sec.hpp"

#include "config/certificates.hpp"
#include "config/error.hpp"
#include "io/cluster/cluster_agent.hpp"
#include "io/cluster/tls_dialer.hpp"
#include "io/local_publish.hpp"
#include "io/redis/redis_subscriber.hpp"
#include "io/redis/redis_uri.hpp"
#include "io/tls_relay.hpp"

namespace actodo::io::cluster {

namespace atom = actodo::atom;

caf::error prepare(config::app_config& cfg) {
  if (auto redis = redis::parse_redis_uri(cfg.cluster.redis); !redis)
    return caf::make_error(ec::invalid_field, "invalid option --cluster.redis: "
                                                + describe(redis.error()));
  // The consumer group decides ownership: a node silent for the session
  // timeout loses its partitions; survivors keep theirs while a dead
  // node's move (cooperative-sticky).
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto session = duration_cast<milliseconds>(cfg.cluster.session_timeout);
  cfg.kafka.consumer_properties = {
    {"session.timeout.ms", std::to_string(session.count())},
    {"heartbeat.interval.ms",
     std::to_string(std::max<int64_t>(session.count() / 12, 100))},
    {"partition.assignment.strategy", "cooperative-sticky"}};
  if (cfg.cluster.insecure)
    return caf::none;
  auto files = config::tls_files_in(cfg.cluster.tls_dir);
  if (auto err = config::check_certificates(files))
    return caf::make_error(
      ec::invalid_field, "invalid option --cluster.tls-dir: " + describe(err));
  return caf::none;
}

cluster::cluster(caf::actor_system& sys, actors::user_directory_actor directory,
                 actors::node_metrics stats)
  : sys_(sys), directory_(std::move(directory)), stats_(std::move(stats)) {
  // nop
}

cluster::~cluster() {
  shutdown();
}

caf::error cluster::start(cluster_settings cfg) {
  auto endpoint = redis::parse_redis_uri(cfg.redis);
  if (!endpoint)
    return std::move(endpoint.error());
  std::unique_ptr<tls_relay> relay;
  if (!cfg.insecure) {
    auto files = config::tls_files_in(cfg.tls_dir);
    if (auto err = config::check_certificates(files))
      return make_field_error(ec::invalid_field, "cluster.tls-dir",
                              "invalid option --cluster.tls-dir: "
                                + describe(err));
    tls_relay_settings relay_cfg;
    relay_cfg.host = cfg.host;
    relay_cfg.port = static_cast<uint16_t>(cfg.port);
    relay_cfg.files = files;
    relay_cfg.target = cfg.data_dir + "/cluster.sock";
    relay = std::make_unique<tls_relay>(std::move(relay_cfg));
  }
  agent_settings agent_cfg;
  agent_cfg.node_id = cfg.node_id;
  agent_cfg.redis = *endpoint;
  agent_cfg.session_timeout = cfg.session_timeout;
  agent_cfg.heartbeat = cfg.heartbeat;
  if (!cfg.insecure) {
    // Outgoing links: TLS in our dialer, BASP in CAF's plain middleman
    // (incoming ones arrive there through the relay).
    dialer_ = std::make_shared<tls_dialer>(config::tls_files_in(cfg.tls_dir));
    if (auto err = dialer_->start())
      return err;
    connector_ = spawn_tls_connector(sys_, dialer_);
    agent_cfg.connector = connector_;
  }
  agent_cfg.timeout = cfg.timeout;
  agent_cfg.journal = cfg.journal;
  agent_cfg.routing_listener = cfg.routing_listener;
  auto agent = sys_.spawn<caf::detached>(cluster_agent, std::move(agent_cfg),
                                         directory_, stats_);
  uint16_t port = 0;
  if (relay) {
    if (auto err = publish_local(agent, cfg.data_dir + "/cluster.sock")) {
      caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
      return err;
    }
    std::string error;
    if (!relay->start(error)) {
      caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
      return caf::make_error(caf::sec::cannot_open_port,
                             "cannot open the cluster endpoint on " + cfg.host
                               + ":" + std::to_string(cfg.port) + ": " + error);
    }
    port = relay->port();
  } else {
    auto bound = sys_.middleman().publish(
      agent, static_cast<uint16_t>(cfg.port), cfg.host.c_str(), true);
    if (!bound) {
      caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
      return caf::make_error(caf::sec::cannot_open_port,
                             "cannot open the cluster endpoint on " + cfg.host
                               + ":" + std::to_string(cfg.port) + ": "
                               + describe(bound.error()));
    }
    port = *bound;
  }
  address_ = cfg.advertise;
  if (address_.empty())
    address_ = (cfg.host.find(':') == std::string::npos ? cfg.host
                                                        : "[" + cfg.host + "]")
               + ":" + std::to_string(port);
  agent_ = agent;
  relay_ = std::move(relay);
  // Every change of the partition map, and every (re)subscription (changes
  // may have been missed meanwhile), makes the agent read the map again.
  auto poke = [agent] { caf::anon_send(agent, atom::owners::value); };
  subscriber_ = std::make_unique<redis::redis_subscriber>(
    *endpoint, std::vector<std::string>{"actodo:partitions"},
    [poke](std::string, std::string) { poke(); }, poke);
  return caf::none;
}

void cluster::announce(const std::string& http) {
  caf::anon_send(agent_, atom::start::value, address_, http);
}

void cluster::shutdown() {
  if (subscriber_) {
    subscriber_->stop();
    subscriber_.reset();
  }
  if (agent_) {
    caf::anon_send_exit(agent_, caf::exit_reason::user_shutdown);
    agent_ = nullptr;
  }
  if (connector_) {
    caf::anon_send_exit(connector_, caf::exit_reason::user_shutdown);
    connector_ = nullptr;
  }
  if (dialer_) {
    dialer_->stop();
    dialer_.reset();
  }
  if (relay_) {
    relay_->stop();
    relay_.reset();
  }
}

} // namespace actodo::io::cluster
