#include "config/config.hpp"

#include <arpa/inet.h>

#include "caf/io/middleman.hpp"
#include "caf/sec.hpp"

#include "config/checks.hpp"

namespace actodo::config {

app_config::app_config() {
  opt_group{custom_options_, "global"}
    .add(web.host, "host",
         "address to bind; a non-loopback one needs --auth=token")
    .add(web.port, "port", "TCP port to listen on; 0 picks a free port")
    .add(data_dir, "data-dir",
         "the node's private directory (locked; default SQLite store)")
    .add(store, "store",
         "sqlite:PATH (default: <data-dir>/actodo.db) or "
         "postgresql://user@host:port/db")
    .add(web.body_limit, "body-limit", "largest HTTP request body in bytes")
    .add(web.io_threads, "io-threads", "threads serving HTTP and WebSocket")
    .add(journal.max_batch, "max-batch",
         "most commands per journal transaction")
    .add(sync, "sync", "SQLite durability: full (fsync per commit) or normal")
    .add(sqlite_cache_mib, "sqlite-cache-mib",
         "page cache of the journal's SQLite connection in MiB")
    .add(sqlite_deferred_rows, "sqlite-deferred-rows",
         "entries of SQLite's todo_log (todo row versions) that may wait "
         "before they are written in place (0: in place at each commit)")
    .add(lists.idle_timeout, "idle-timeout",
         "passivate a todo list without sessions after this idle time")
    .add(lists.request_timeout, "request-timeout",
         "upper bound for internal requests")
    .add(web.ws_queue_limit, "ws-queue-limit",
         "frames queued per WebSocket before a slow reader is dropped")
    .add(web.ws_queue_bytes, "ws-queue-bytes",
         "bytes queued for one slow WebSocket reader before it is closed")
    .add(web.ws_user_queue_bytes, "ws-user-queue-bytes",
         "bytes queued for all WebSockets of one user before closing")
    .add(web.ws_max_message, "ws-max-message",
         "largest WebSocket message in bytes (close 1009 beyond)")
    .add(web.ws_deflate, "ws-deflate", "offer permessage-deflate (RFC 7692)")
    .add(web.max_connections, "max-connections",
         "most open connections; 0 derives it from the descriptor limit")
    .add(web.cors_origins, "cors-origins",
         "origins allowed to call cross-origin (comma list, * for any)")
    .add(web.linger_timeout, "linger-timeout",
         "how long a closing connection drains unread request bytes")
    .add(journal.event_retention, "event-retention",
         "remove events older than this (0: keep all)")
    .add(journal.request_retention, "request-retention",
         "how long finished requests stay queryable")
    .add(admin_host, "admin-host", "address of the console endpoint")
    .add(admin_port, "admin-port",
         "port of the console endpoint; 0 picks one, -1 disables it")
    .add(admin_token, "admin-token",
         "console credential (>= 32 bytes); better: ACTODO_ADMIN_TOKEN")
    .add(admin_tls_cert, "admin-tls-cert",
         "console endpoint TLS certificate (PEM); default: <data-dir>/tls/")
    .add(admin_tls_key, "admin-tls-key", "key of --admin-tls-cert (PEM)")
    .add(admin_tls_ca, "admin-tls-ca",
         "CA (PEM) that signs the console's and the node's certificates")
    .add(admin_insecure, "admin-insecure",
         "plain BASP without TLS on the console endpoint (loopback only)")
    .add(admin_max_connections, "admin-max-connections",
         "connections the console endpoint holds at once")
    .add(admin_handshake_timeout, "admin-handshake-timeout",
         "time a console peer has to finish the TLS handshake")
    .add(web.read_timeout, "read-timeout",
         "time to read a request / keep an idle connection")
    .add(web.ws_echo, "ws-echo",
         "serve the diagnostic echo endpoint /diag/ws-echo")
    .add(web.ui_dir, "ui-dir",
         "serve the web UI from this directory (development)")
    .add(no_metrics, "no-metrics",
         "do not count messages and requests (to measure what it costs)")
    .add(lists.max_todos, "max-todos", "most todos per user")
    .add(lists.max_projects, "max-projects",
         "most projects per user (the Inbox counts)")
    .add(lists.max_notifications, "max-notifications",
         "most notifications kept per user (the oldest go)")
    .add(lists.recurrence_budget, "recurrence-budget",
         "most steps one RRULE expansion may take (beyond: 422)")
    .add(lists.recurrence_time_limit, "recurrence-time-limit",
         "longest time one RRULE expansion may take (beyond: 422)")
    .add(web.preview_rate_limit, "preview-rate-limit",
         "RRULE previews and listings/s per user (0: unlimited)")
    .add(lists.max_sessions, "max-sessions", "most WebSocket sessions per user")
    .add(web.rate_limit, "rate-limit",
         "requests/s per user (auth=token; 0: unlimited)")
    .add(web.ip_rate_limit, "ip-rate-limit",
         "requests/s per client address (auth=token; 0: unlimited)")
    .add(auth, "auth", "local (one local user, loopback only) or token")
    .add(jwt_secret, "jwt-secret",
         "HS256 key (>= 32 bytes); better: ACTODO_JWT_SECRET")
    .add(jwt_secret_file, "jwt-secret-file", "file holding the HS256 key")
    .add(accounts.access_ttl, "access-ttl", "lifetime of access tokens")
    .add(accounts.refresh_ttl, "refresh-ttl", "lifetime of refresh tokens")
    .add(accounts.login_user_failures, "login-user-failures",
         "failed logins per username per login-window (0: unlimited)")
    .add(accounts.login_address_failures, "login-address-failures",
         "failed logins per client address per login-window (0: unlimited)")
    .add(accounts.login_window, "login-window",
         "window of the failed-login limits")
    .add(accounts.register_limit, "register-limit",
         "registrations per client address per register-window (0: "
         "unlimited)")
    .add(accounts.register_window, "register-window",
         "window of the registration limit")
    .add(accounts.hash_queue, "hash-queue",
         "password hashes waiting or running at once; beyond: 503")
    .add(accounts.hash_workers, "hash-workers",
         "password hashing threads (0: one per core)")
    .add(accounts.refresh_grace, "refresh-grace",
         "a used refresh token returns the same new pair for this long");
  opt_group{custom_options_, "kafka"}
    .add(kafka.brokers, "brokers",
         "bootstrap servers (host:port,...); empty: Kafka off")
    .add(kafka.group_id, "group-id", "consumer group of the command ingress")
    .add(kafka.commands_topic, "commands-topic", "topic of incoming commands")
    .add(kafka.events_topic, "events-topic", "topic of committed events")
    .add(kafka.reminders_topic, "reminders-topic",
         "topic of todo.reminder.due events")
    .add(kafka.results_topic, "results-topic",
         "default reply topic of command results")
    .add(kafka.dlq_topic, "dlq-topic", "dead-letter topic of bad commands")
    .add(kafka.mode, "mode", "CloudEvents mode of events: binary|structured")
    .add(kafka.route_http, "route-http",
         "gateway mode: produce HTTP writes to the commands topic");
  opt_group{custom_options_, "cluster"}
    .add(cluster.redis, "redis",
         "redis://HOST:PORT of the cluster; empty: the node runs alone")
    .add(cluster.node_id, "node-id", "this node's name in the cluster")
    .add(cluster.host, "host", "address of the node's BASP endpoint")
    .add(cluster.port, "port", "port of the BASP endpoint; 0 picks one")
    .add(cluster.advertise, "advertise",
         "host:port other nodes dial (default: host and bound port)")
    .add(cluster.tls_dir, "tls-dir",
         "ca.pem, node.pem, node.key of `actodo cluster certs`")
    .add(cluster.insecure, "insecure",
         "plain BASP between nodes (loopback host only)")
    .add(cluster.session_timeout, "session-timeout",
         "a silent node loses its partitions after this time")
    .add(cluster.heartbeat, "heartbeat",
         "how often a node refreshes its registry entry");
  opt_group{custom_options_, "webhooks"}
    .add(webhooks.max_per_user, "max-per-user", "most webhooks per user")
    .add(webhooks.retry_initial, "retry-initial",
         "first retry delay of a failed delivery (doubles, with jitter)")
    .add(webhooks.retry_max, "retry-max", "longest delay between retries")
    .add(webhooks.retry_for, "retry-for",
         "retry an event this long, then disable the webhook")
    .add(webhooks.timeout, "timeout", "longest wait for a receiver's answer")
    .add(webhooks.allow_private, "allow-private",
         "deliver to loopback, private, link-local and multicast addresses")
    .add(webhooks.keep_deliveries, "keep-deliveries",
         "delivery attempts kept per webhook");
  opt_group{custom_options_, "imports"}
    .add(imports.max_bytes, "max-bytes", "largest import body in bytes")
    .add(imports.max_items, "max-items", "most items in one import")
    .add(imports.max_active, "max-active",
         "most queued or running import jobs per user")
    .add(imports.max_running, "max-running",
         "import jobs a node runs at once (the others wait)")
    .add(imports.max_uploads, "max-uploads",
         "import bodies a node reads at once (more: 503)")
    .add(imports.lease, "lease",
         "a stopped node's import jobs move to another node after this");
  opt_group{custom_options_, "feeds"}.add(feeds.max_per_user, "max-per-user",
                                          "most calendar feeds per user");
  // Two cores: measured better than work stealing with four threads.
  set("scheduler.policy", caf::atom("sharing"));
  set("scheduler.max-threads", 2);
  set("logger.console", caf::atom("none"));
  load<caf::io::middleman>();
  // Nodes dial each other from the registry's addresses, never through
  // CAF's own discovery.
  set("middleman.enable-automatic-connections", false);
}

bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool is_address(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1
         || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

caf::error invalid(const std::string& option, const std::string& why) {
  return caf::make_error(caf::sec::invalid_argument,
                         "invalid option --" + option + ": " + why);
}

namespace {

/// The web hardening limits (README "Limits").
caf::error validate_web_limits(const app_config& cfg) {
  using namespace std::chrono_literals;
  constexpr size_t mib = 1024 * 1024;
  if (cfg.web.ws_max_message < 1024 || cfg.web.ws_max_message > 64 * mib)
    return invalid("ws-max-message", "must be between 1024 and 67108864");
  if (cfg.web.ws_queue_bytes < cfg.web.ws_max_message
      || cfg.web.ws_queue_bytes > 1024 * mib)
    return invalid("ws-queue-bytes",
                   "must be between --ws-max-message and 1073741824");
  if (cfg.web.ws_user_queue_bytes < cfg.web.ws_queue_bytes
      || cfg.web.ws_user_queue_bytes > 4096 * mib)
    return invalid("ws-user-queue-bytes",
                   "must be between --ws-queue-bytes and 4294967296");
  if (cfg.web.max_connections > 10000000)
    return invalid("max-connections", "must be at most 10000000 (0: derived)");
  if (cfg.web.linger_timeout < 0s || cfg.web.linger_timeout > 1min)
    return invalid("linger-timeout", "must be between 0s and 1min");
  if (cfg.admin_max_connections < 1 || cfg.admin_max_connections > 100000)
    return invalid("admin-max-connections", "must be between 1 and 100000");
  if (cfg.admin_handshake_timeout < 1s || cfg.admin_handshake_timeout > 10min)
    return invalid("admin-handshake-timeout", "must be between 1s and 10min");
  for (auto c : cfg.web.cors_origins)
    if (static_cast<unsigned char>(c) < 0x21 && c != ' ')
      return invalid("cors-origins", "must be a comma list of origins");
  return caf::none;
}

} // namespace

caf::error app_config::validate() const {
  using namespace std::chrono_literals;
  if (!is_address(web.host))
    return invalid("host", "'" + web.host + "' is not an IPv4 or IPv6 address");
  if (admin_port < -1 || admin_port > 65535)
    return invalid("admin-port", "must be between -1 and 65535");
  if (!is_address(admin_host))
    return invalid("admin-host", "'" + admin_host + "' is not an address");
  if (!is_loopback(admin_host) && admin_token.empty())
    return invalid("admin-host",
                   "a non-loopback console endpoint needs an explicit "
                   "--admin-token (ACTODO_ADMIN_TOKEN)");
  if (admin_insecure && !is_loopback(admin_host))
    return invalid("admin-insecure",
                   "plain BASP is only allowed on a loopback admin-host, not "
                     + admin_host
                     + "; drop --admin-insecure to use mutually authenticated "
                       "TLS");
  if (admin_insecure
      && !(admin_tls_cert.empty() && admin_tls_key.empty()
           && admin_tls_ca.empty()))
    return invalid("admin-insecure", "conflicts with --admin-tls-*");
  if ((admin_tls_cert.empty() != admin_tls_key.empty())
      || (admin_tls_cert.empty() != admin_tls_ca.empty()))
    return invalid("admin-tls-cert",
                   "give all of --admin-tls-cert, --admin-tls-key and "
                   "--admin-tls-ca, or none of them");
  if (!admin_token.empty() && admin_token.size() < 32)
    return invalid("admin-token", "must be at least 32 bytes");
  if (web.read_timeout < 1s || web.read_timeout > 10min)
    return invalid("read-timeout", "must be between 1s and 10min");
  if (lists.max_todos < 1 || lists.max_todos > 1000000)
    return invalid("max-todos", "must be between 1 and 1000000");
  if (lists.max_projects < 1 || lists.max_projects > 10000)
    return invalid("max-projects", "must be between 1 and 10000");
  if (lists.max_notifications < 1 || lists.max_notifications > 10000)
    return invalid("max-notifications", "must be between 1 and 10000");
  if (lists.recurrence_budget < 100 || lists.recurrence_budget > 1000000)
    return invalid("recurrence-budget", "must be between 100 and 1000000");
  if (lists.recurrence_time_limit < 10ms || lists.recurrence_time_limit > 10s)
    return invalid("recurrence-time-limit", "must be between 10ms and 10s");
  if (web.preview_rate_limit > 1000000)
    return invalid("preview-rate-limit", "must be at most 1000000");
  if (lists.max_sessions < 1 || lists.max_sessions > 1000000)
    return invalid("max-sessions", "must be between 1 and 1000000");
  if (auth != "local" && auth != "token")
    return invalid("auth", "must be 'local' or 'token'");
  if (!is_loopback(web.host) && auth == "local")
    return invalid("host",
                   "refusing to bind the non-loopback address " + web.host
                     + " in local auth mode, where every request acts as one "
                       "user without a login; start with --auth=token "
                       "(ACTODO_AUTH=token) to require accounts, or bind "
                       "127.0.0.1");
  if (!jwt_secret.empty() && jwt_secret.size() < 32)
    return invalid("jwt-secret", "must be at least 32 bytes");
  if (!jwt_secret.empty() && !jwt_secret_file.empty())
    return invalid("jwt-secret-file", "give either a secret or a file");
  if (accounts.access_ttl < 1s || accounts.access_ttl > 24h)
    return invalid("access-ttl", "must be between 1s and 24h");
  if (accounts.refresh_ttl < accounts.access_ttl
      || accounts.refresh_ttl > 24h * 365)
    return invalid("refresh-ttl", "must be between access-ttl and 365 days");
  if (accounts.login_window < 1s || accounts.login_window > 24h)
    return invalid("login-window", "must be between 1s and 24h");
  if (accounts.register_window < 1s || accounts.register_window > 24h * 7)
    return invalid("register-window", "must be between 1s and 7 days");
  if (accounts.hash_queue < 1 || accounts.hash_queue > 100000)
    return invalid("hash-queue", "must be between 1 and 100000");
  if (accounts.hash_workers > 256)
    return invalid("hash-workers", "must be between 0 and 256");
  if (accounts.refresh_grace < 0s || accounts.refresh_grace > 10min)
    return invalid("refresh-grace", "must be between 0s and 10min");
  if (data_dir.empty())
    return invalid("data-dir", "must not be empty");
  if (web.body_limit < 1024 || web.body_limit > 64 * 1024 * 1024)
    return invalid("body-limit", "must be between 1024 and 67108864 bytes");
  if (web.io_threads < 1 || web.io_threads > 64)
    return invalid("io-threads", "must be between 1 and 64");
  if (journal.max_batch < 1 || journal.max_batch > 100000)
    return invalid("max-batch", "must be between 1 and 100000");
  if (sync != "full" && sync != "normal")
    return invalid("sync", "must be 'full' or 'normal'");
  if (sqlite_cache_mib < 1 || sqlite_cache_mib > 65536)
    return invalid("sqlite-cache-mib", "must be between 1 and 65536");
  if (sqlite_deferred_rows < 0 || sqlite_deferred_rows > 4000000)
    return invalid("sqlite-deferred-rows", "must be between 0 and 4000000");
  if (lists.idle_timeout < 1s)
    return invalid("idle-timeout", "must be at least 1s");
  if (lists.request_timeout < 1s || lists.request_timeout > 10min)
    return invalid("request-timeout", "must be between 1s and 10min");
  if (web.ws_queue_limit < 16 || web.ws_queue_limit > 1000000)
    return invalid("ws-queue-limit", "must be between 16 and 1000000");
  if (kafka.mode != "binary" && kafka.mode != "structured")
    return invalid("kafka.mode", "must be 'binary' or 'structured'");
  if (kafka.route_http && kafka.brokers.empty())
    return invalid("kafka.route-http", "needs --kafka.brokers");
  if (journal.request_retention < 1h)
    return invalid("request-retention", "must be at least 1h");
  // Request outcomes refer to the event that carries their todo.
  if (journal.event_retention.count() != 0
      && journal.event_retention < journal.request_retention)
    return invalid("event-retention",
                   "must be 0 (keep all) or at least --request-retention");
  if (auto err = validate_cluster(*this))
    return err;
  if (auto err = validate_webhooks(webhooks))
    return err;
  if (auto err = validate_imports(imports))
    return err;
  if (feeds.max_per_user < 0 || feeds.max_per_user > 1000)
    return invalid("feeds.max-per-user", "must be between 0 and 1000");
  return validate_web_limits(*this);
}

} // namespace actodo::config
