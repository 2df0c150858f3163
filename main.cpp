// actodo: the thin executable that wires config, store, actors and web.
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/io/middleman.hpp"
#include "caf/sec.hpp"

#include "actors/auth/secret.hpp"
#include "actors/node.hpp"
#include "config/cluster_command.hpp"
#include "config/config.hpp"
#include "config/error.hpp"
#include "config/heap.hpp"
#include "config/process_metrics.hpp"
#include "config/tls.hpp"
#include "io/bridge.hpp"
#include "io/broker.hpp"
#include "io/cluster/cluster.hpp"
#include "io/console/client.hpp"
#include "io/console/inspector.hpp"
#include "io/feeds/service.hpp"
#include "io/jobs/service.hpp"
#include "io/kafka_client.hpp"
#include "io/kafka_metrics.hpp"
#include "io/local_publish.hpp"
#include "io/tls_relay.hpp"
#include "io/webhooks/service.hpp"
#include "io/webhooks/webhook_metrics.hpp"
#include "persistence/open_store.hpp"
#include "persistence/store_copy.hpp"
#include "web/http_metrics.hpp"
#include "web/server.hpp"

extern char** environ;

namespace {

constexpr const char* usage = R"(usage: actodo <command> [options]

commands:
  serve     run the todo service (see `actodo serve --help`)
  broker    local development Kafka broker (librdkafka mock cluster):
            actodo broker [--partitions=N]
  console   operator console of a running node (see `actodo console --help`):
            actodo console [host:port] [--exec CMD] [--json]
                           [--admin-token T] [--data-dir DIR]
                           [--admin-tls-cert F --admin-tls-key F
                            --admin-tls-ca F | --admin-insecure]
  cluster   certificates for the nodes of a cluster (BASP over TLS):
            actodo cluster certs --out=DIR
  store     copy everything between stores (stop the nodes first):
            actodo store copy --from=URI --to=URI
            URI: sqlite:PATH or postgresql://user@host:port/db
  help      show this text

Valued options take `--name=value` or `--name value`. Options also come
from ACTODO_* environment variables (ACTODO_PORT, ACTODO_DATA_DIR, ...) and
a config file (--config-file=PATH); the command line wins over the
environment, which wins over the file.
)";

/// Blocks SIGINT/SIGTERM in every thread; main waits for them with sigwait.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

actodo::actors::node_settings
node_settings(const actodo::config::app_config& cfg,
              actodo::actors::node_metrics stats) {
  actodo::actors::node_settings result;
  result.journal = cfg.journal;
  static_cast<actodo::config::list_options&>(result.lists) = cfg.lists;
  result.lists.clustered = !cfg.cluster.redis.empty();
  result.reminders.clustered = result.lists.clustered;
  static_cast<actodo::config::account_options&>(result.tokens) = cfg.accounts;
  stats.messages->enabled = !cfg.no_metrics;
  result.stats = std::move(stats);
  return result;
}

actodo::web::settings
web_settings(const actodo::config::app_config& cfg, const std::string& key,
             std::shared_ptr<actodo::web::http_metrics> http,
             const actodo::actors::node_metrics& stats) {
  actodo::web::settings result;
  static_cast<actodo::config::web_options&>(result) = cfg.web;
  result.token_auth = cfg.auth == "token";
  http->enabled = !cfg.no_metrics;
  result.http = std::move(http);
  result.sessions = stats.sessions;
  result.metrics = stats.registry;
  result.jwt_secret = key;
  result.upload_limit = static_cast<uint64_t>(cfg.imports.max_bytes);
  result.max_uploads = cfg.imports.max_uploads;
  return result;
}

int serve(int argc, char** argv) {
  using actodo::config::app_config;
  app_config cfg;
  cfg.add_message_types<caf::id_block::actodo>();
  std::vector<std::string> cli{argv + 2, argv + argc};
  if (auto err = actodo::config::load(cfg, cli, environ)) {
    std::cerr << "actodo: " << actodo::describe(err) << '\n';
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (auto err = actodo::io::check_properties(cfg.kafka.properties)) {
    std::cerr << "actodo: " << actodo::describe(err) << '\n';
    return 2;
  }
  auto signals = block_signals();
  auto kafka = !cfg.kafka.brokers.empty();
  auto clustered = !cfg.cluster.redis.empty();
  if (clustered) {
    if (auto err = actodo::io::cluster::prepare(cfg)) {
      std::cerr << "actodo: " << actodo::describe(err) << '\n';
      return 2;
    }
  }
  auto uri = actodo::persistence::parse_store_uri(cfg.store, cfg.data_dir);
  if (!uri) {
    std::cerr << "actodo: " << actodo::describe(uri.error()) << '\n';
    return 2;
  }
  actodo::persistence::store_options store_opts;
  store_opts.data_dir = cfg.data_dir;
  store_opts.sync = cfg.sync;
  // With Kafka, every committed event also enters the outbox (egress).
  store_opts.with_outbox = kafka;
  store_opts.sqlite_cache_mib = cfg.sqlite_cache_mib;
  store_opts.sqlite_deferred_rows = static_cast<size_t>(
    cfg.sqlite_deferred_rows);
  auto stores = actodo::persistence::open_stores(*uri, store_opts);
  if (!stores) {
    std::cerr << "actodo: " << actodo::describe(stores.error()) << '\n';
    // Another process on the same data: a usage error, not a crash.
    return stores.error() == actodo::ec::conflict ? 2 : 1;
  }
  std::string error;
  auto secret = actodo::actors::auth::load_secret(
    cfg.jwt_secret, cfg.jwt_secret_file, cfg.data_dir, error);
  if (secret.empty()) {
    std::cerr << "actodo: " << error << '\n';
    return 1;
  }
  auto admin_token = actodo::actors::auth::load_secret(
    cfg.admin_token, {}, cfg.data_dir, error, "admin-token");
  if (admin_token.empty()) {
    std::cerr << "actodo: " << error << '\n';
    return 1;
  }
  // The console endpoint: mutually authenticated TLS unless --admin-insecure.
  auto tls = cfg.admin_port >= 0 && !cfg.admin_insecure;
  std::unique_ptr<actodo::io::tls_relay> relay;
  if (tls) {
    auto files = actodo::config::resolve_tls(
      {cfg.admin_tls_cert, cfg.admin_tls_key, cfg.admin_tls_ca, cfg.data_dir},
      true);
    if (!files) {
      std::cerr << "actodo: console endpoint TLS: "
                << actodo::describe(files.error()) << '\n';
      return 1;
    }
    actodo::io::tls_relay_settings relay_cfg;
    relay_cfg.host = cfg.admin_host;
    relay_cfg.port = static_cast<uint16_t>(cfg.admin_port);
    relay_cfg.files = *files;
    relay_cfg.target = cfg.data_dir + "/admin.sock";
    relay_cfg.max_connections = cfg.admin_max_connections;
    relay_cfg.handshake_timeout = std::chrono::duration_cast<
      std::chrono::seconds>(cfg.admin_handshake_timeout);
    relay = std::make_unique<actodo::io::tls_relay>(std::move(relay_cfg));
  }
  caf::actor_system sys{cfg};
  // Each module registers its metric families; `/metrics` shows them in
  // this order.
  auto metrics = std::make_shared<actodo::config::registry>();
  auto http_stats = std::make_shared<actodo::web::http_metrics>(metrics);
  actodo::actors::node_metrics stats{metrics};
  auto kafka_stats = std::make_shared<actodo::io::kafka_metrics>(metrics);
  auto webhook_stats = std::make_shared<actodo::io::webhooks::webhook_metrics>(
    metrics);
  auto import_stats = std::make_shared<actodo::io::jobs::job_metrics>(metrics);
  actodo::config::add_process_metrics(*metrics);
  actodo::actors::node node{sys, std::move(stores->events),
                            std::move(stores->accounts),
                            node_settings(cfg, stats)};
  // Webhooks: in a cluster each node delivers those of the users it owns
  // (the agent tells it which).
  actodo::io::webhooks::service hooks{sys,
                                      std::move(stores->webhooks),
                                      cfg.webhooks,
                                      node.journal(),
                                      node.directory(),
                                      cfg.lists.request_timeout,
                                      clustered,
                                      webhook_stats};
  // Import jobs: each node runs those it accepted (and resumes them).
  actodo::io::jobs::jobs_settings jobs_cfg;
  jobs_cfg.options = cfg.imports;
  jobs_cfg.directory = node.directory();
  jobs_cfg.node = clustered ? cfg.cluster.node_id : std::string{};
  jobs_cfg.request_timeout = cfg.lists.request_timeout;
  jobs_cfg.lease = cfg.imports.lease;
  jobs_cfg.renew_interval = cfg.imports.lease / 3;
  jobs_cfg.stats = import_stats;
  actodo::io::jobs::service imports{sys, std::move(stores->jobs),
                                    std::move(jobs_cfg)};
  actodo::io::feeds::feeds_settings feeds_cfg;
  feeds_cfg.max_per_user = cfg.feeds.max_per_user;
  actodo::io::feeds::service feeds{sys, std::move(stores->feeds), feeds_cfg,
                                   cfg.lists.request_timeout};
  std::unique_ptr<actodo::io::cluster::cluster> cluster;
  if (clustered) {
    actodo::io::cluster::cluster_settings cluster_cfg;
    static_cast<actodo::config::cluster_options&>(cluster_cfg) = cfg.cluster;
    cluster_cfg.data_dir = cfg.data_dir;
    cluster_cfg.timeout = cfg.lists.request_timeout;
    cluster_cfg.journal = node.journal();
    cluster_cfg.routing_listener = hooks.actor();
    cluster = std::make_unique<actodo::io::cluster::cluster>(
      sys, node.directory(), stats);
    if (auto err = cluster->start(std::move(cluster_cfg))) {
      std::cerr << "actodo: " << actodo::describe(err) << '\n';
      node.shutdown();
      return err == actodo::ec::invalid_field ? 2 : 1;
    }
  }
  // The console endpoint's actor: stopped with the node.
  auto inspector = sys.spawn(
    actodo::io::console::inspector, admin_token, node.directory(), stats,
    cfg.lists.request_timeout, node.scheduler(),
    cluster ? cluster->agent() : actodo::actors::cluster_agent_actor{});
  node.adopt(caf::actor_cast<caf::actor>(inspector));
  std::unique_ptr<actodo::io::bridge> bridge;
  actodo::actors::ownership_listener_actor ownership;
  if (cluster)
    ownership = cluster->agent();
  if (kafka)
    bridge = std::make_unique<actodo::io::bridge>(
      sys, node.journal(), node.directory(), node.gate(), cfg.kafka,
      kafka_stats, cfg.lists.request_timeout, ownership);
  // A Kafka client that does not start is a configuration error (exit 2).
  auto started = bridge ? bridge->started(cfg.lists.request_timeout)
                        : caf::error{};
  if (started) {
    std::cerr << "actodo: " << actodo::describe(started) << '\n';
    bridge->shutdown();
    if (cluster)
      cluster->shutdown();
    node.shutdown();
    return 2;
  }
  actodo::web::server server{web_settings(cfg, secret, http_stats, stats),
                             bridge ? bridge->gate() : node.gate(),
                             {&hooks.gate(), &imports.gate(), &feeds.gate()}};
  if (!server.start(error)) {
    std::cerr << "actodo: " << error << '\n';
    if (bridge)
      bridge->shutdown();
    if (cluster)
      cluster->shutdown();
    node.shutdown();
    return 1;
  }
  // The listening line comes first: scripts wait for it.
  uint16_t admin_port = 0;
  if (cfg.admin_port >= 0) {
    auto port = static_cast<uint16_t>(cfg.admin_port);
    // TLS: BASP on a Unix socket in the data dir, the relay in front of it.
    caf::expected<uint16_t> admin{caf::sec::cannot_open_port};
    if (tls) {
      auto err = actodo::io::publish_local(inspector,
                                           cfg.data_dir + "/admin.sock");
      if (err)
        admin = std::move(err);
      else if (relay->start(error))
        admin = relay->port();
      else
        admin = caf::make_error(caf::sec::cannot_open_port, error);
    } else {
      admin = sys.middleman().publish(inspector, port, cfg.admin_host.c_str(),
                                      true);
    }
    if (!admin) {
      std::cerr << "actodo: cannot open the console endpoint on "
                << cfg.admin_host << ':' << cfg.admin_port << ": "
                << actodo::describe(admin.error()) << '\n';
      server.stop();
      if (bridge)
        bridge->shutdown();
      if (cluster)
        cluster->shutdown();
      node.shutdown();
      return 1;
    }
    admin_port = *admin;
  }
  auto host = cfg.web.host.find(':') == std::string::npos
                ? cfg.web.host
                : "[" + cfg.web.host + "]";
  std::cout << "actodo: listening on http://" << host << ':' << server.port()
            << " (data in " << cfg.data_dir << ")" << std::endl;
  if (cfg.admin_port >= 0)
    std::cout << "actodo: console endpoint on " << cfg.admin_host << ':'
              << admin_port << (tls ? " (TLS)" : " (plain, insecure)")
              << std::endl;
  std::cout << "actodo: store " << uri->display << std::endl;
  std::cout << "actodo: heap " << actodo::config::heap_allocator() << std::endl;
  if (cluster) {
    cluster->announce(host + ':' + std::to_string(server.port()));
    std::cout << "actodo: cluster node " << cfg.cluster.node_id << " on "
              << cluster->address()
              << (cfg.cluster.insecure ? " (plain, insecure)" : " (TLS)")
              << std::endl;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  std::cout << "actodo: " << strsignal(sig) << ", shutting down" << std::endl;
  if (relay)
    relay->stop();
  server.stop();
  hooks.shutdown();
  imports.shutdown();
  feeds.shutdown();
  // Kafka first: the ingress commits what is finished and leaves the group.
  if (bridge)
    bridge->shutdown();
  if (cluster)
    cluster->shutdown();
  node.shutdown();
  // Callbacks still in flight post into the stopped io_context, which is
  // alive until `server` goes out of scope below.
  sys.await_all_actors_done();
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "help";
  if (cmd == "serve")
    return serve(argc, argv);
  if (cmd == "broker")
    return actodo::io::run_broker({argv + 2, argv + argc});
  if (cmd == "console")
    return actodo::io::console::run_console({argv + 2, argv + argc}, environ);
  if (cmd == "store")
    return actodo::persistence::run_store_command({argv + 2, argv + argc});
  if (cmd == "cluster")
    return actodo::config::run_cluster_command({argv + 2, argv + argc});
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::cout << usage;
    return 0;
  }
  std::cerr << "actodo: unknown command '" << cmd << "'\n" << usage;
  return 2;
}
