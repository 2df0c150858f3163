#include <algorithm>
#include <cctype>
#include <string>

#include "config/checks.hpp"
#include "config/config.hpp"

namespace actodo::config {

namespace {

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool valid_node_id(const std::string& id) {
  return !id.empty() && id.size() <= 64
         && std::all_of(id.begin(), id.end(), [](unsigned char c) {
              return std::isalnum(c) || c == '.' || c == '_' || c == '-';
            });
}

/// Whether `text` is `HOST:PORT` (`[v6]:PORT` for IPv6) with a port in
/// 1..65535.
bool valid_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return false;
  auto host = text.substr(0, colon);
  if (host.front() == '[' ? host.back() != ']'
                          : host.find(':') != std::string::npos)
    return false;
  auto port = text.substr(colon + 1);
  if (port.size() > 5
      || !std::all_of(port.begin(), port.end(),
                      [](unsigned char c) { return std::isdigit(c); }))
    return false;
  auto n = std::stoi(port);
  return n >= 1 && n <= 65535;
}

/// Cluster options given without `--cluster.redis` are a mistake, not a
/// wish to run alone.
caf::error check_alone(const cluster_options& c) {
  if (!c.node_id.empty() || c.port != -1 || !c.advertise.empty()
      || !c.tls_dir.empty() || c.insecure)
    return invalid("cluster.redis",
                   "the other --cluster.* options need it (cluster mode); "
                   "without it the node runs alone");
  return caf::none;
}

} // namespace

caf::error validate_cluster(const app_config& cfg) {
  using namespace std::chrono_literals;
  const auto& c = cfg.cluster;
  if (c.redis.empty())
    return check_alone(c);
  if (!starts_with(c.redis, "redis://"))
    return invalid("cluster.redis", "must be a redis://HOST:PORT URI");
  if (!starts_with(cfg.store, "postgresql://")
      && !starts_with(cfg.store, "postgres://"))
    return invalid("store",
                   "cluster mode needs a store every node shares: "
                   "--store=postgresql://user@host:port/db (an SQLite file "
                   "belongs to one node)");
  if (cfg.kafka.brokers.empty())
    return invalid("kafka.brokers",
                   "cluster mode needs Kafka: the consumer group of the "
                   "commands topic decides which node owns which users");
  if (!valid_node_id(c.node_id))
    return invalid("cluster.node-id",
                   c.node_id.empty()
                     ? "cluster mode needs a name for this node"
                     : "must be 1 to 64 letters, digits, '.', '_' or '-'");
  if (c.port == -1)
    return invalid("cluster.port",
                   "cluster mode needs the port of this node's BASP "
                   "endpoint (0 picks a free one)");
  if (c.port < 0 || c.port > 65535)
    return invalid("cluster.port", "must be between 0 and 65535");
  if (!is_address(c.host))
    return invalid("cluster.host", "'" + c.host + "' is not an address");
  if (!c.advertise.empty() && !valid_host_port(c.advertise))
    return invalid("cluster.advertise",
                   "must be HOST:PORT ([IPv6]:PORT) with a port in 1..65535");
  if (c.insecure && !is_loopback(c.host))
    return invalid("cluster.insecure",
                   "plain BASP is only allowed on a loopback cluster.host, "
                   "not "
                     + c.host + "; use --cluster.tls-dir");
  if (c.insecure && !c.tls_dir.empty())
    return invalid("cluster.insecure", "conflicts with --cluster.tls-dir");
  if (!c.insecure && c.tls_dir.empty())
    return invalid("cluster.tls-dir",
                   "nodes talk mutually authenticated TLS: create the files "
                   "with `actodo cluster certs --out=DIR` and give "
                   "--cluster.tls-dir=DIR (or --cluster.insecure on "
                   "loopback)");
  if (cfg.auth == "token" && cfg.jwt_secret.empty()
      && cfg.jwt_secret_file.empty())
    return invalid("jwt-secret",
                   "with --auth=token every node of a cluster must sign and "
                   "check tokens with the same key: give --jwt-secret-file "
                   "(or ACTODO_JWT_SECRET) on every node");
  if (c.session_timeout < 1s || c.session_timeout > 5min)
    return invalid("cluster.session-timeout", "must be between 1s and 5min");
  if (c.heartbeat < 100ms || c.heartbeat * 3 > c.session_timeout)
    return invalid("cluster.heartbeat",
                   "must be at least 100ms and at most a third of "
                   "--cluster.session-timeout");
  return caf::none;
}

} // namespace actodo::config
