#pragma once

// The options of each module, declared once with their defaults. The
// configuration (`app_config`) binds the command line, the config file and
// `ACTODO_*` variables straight to these members; each module's settings
// extend its options with what the node wires in at run time (handles,
// clocks, metrics), so `main` passes them on as they are.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "caf/timespan.hpp"

namespace actodo::config {

/// The HTTP and WebSocket server (`web::settings`).
struct web_options {
  /// Address to bind; a non-loopback one needs `--auth=token`.
  std::string host = "127.0.0.1";
  /// TCP port; 0 picks a free one (the server prints the bound address).
  uint16_t port = 8080;
  /// Boost.Asio threads serving HTTP and WebSocket: one per core by
  /// default (issue #14: two threads wrote 22 % more than one here).
  size_t io_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1,
                                         64);
  /// Largest accepted HTTP request body in bytes.
  size_t body_limit = 1024 * 1024;
  /// Largest WebSocket message in bytes (close 1009 beyond).
  size_t ws_max_message = 64 * 1024;
  /// Frames queued for one WebSocket before a slow reader is dropped.
  size_t ws_queue_limit = 4096;
  /// Bytes queued for slow WebSocket readers: per socket and per user.
  size_t ws_queue_bytes = 4 * 1024 * 1024;
  size_t ws_user_queue_bytes = 16 * 1024 * 1024;
  /// permessage-deflate (RFC 7692) offered to clients.
  bool ws_deflate = false;
  /// Open connections at most; 0: derived from the descriptor limit.
  size_t max_connections = 0;
  /// Comma list of origins allowed to make cross-origin requests (`*`: any).
  std::string cors_origins;
  /// Longest time to read one request, and to wait for the next one on an
  /// idle keep-alive connection (slowloris protection).
  caf::timespan read_timeout = std::chrono::seconds(30);
  /// After a response that closes the connection, how long unread request
  /// bytes are drained so the client sees the status instead of a reset.
  caf::timespan linger_timeout = std::chrono::seconds(2);
  /// Serve the diagnostic WebSocket echo endpoint `/diag/ws-echo`.
  bool ws_echo = false;
  /// Serve the web UI from this directory, read on every request (for work
  /// on the UI); empty: the copy embedded at build time.
  std::string ui_dir;
  /// Requests per second per user and per client address (token buckets
  /// with a burst of twice the rate); 0: off. Token auth mode only: the
  /// local user is the only user.
  size_t rate_limit = 200;
  size_t ip_rate_limit = 1000;
  /// RRULE previews and occurrence listings per second per user, in both
  /// auth modes; 0: off.
  size_t preview_rate_limit = 5;
};

/// Each user's `todo_list` (`actors::todo_list_settings`).
struct list_options {
  /// An idle `todo_list` without sessions is passivated after this long.
  caf::timespan idle_timeout = std::chrono::minutes(5);
  /// Upper bound for any internal request (web -> actors -> journal).
  caf::timespan request_timeout = std::chrono::seconds(30);
  /// Most todos one user may have.
  size_t max_todos = 100000;
  /// Most projects one user may have (the Inbox counts).
  size_t max_projects = 300;
  /// Most notifications kept per user (the oldest go).
  size_t max_notifications = 200;
  /// Most simultaneous WebSocket sessions of one user.
  size_t max_sessions = 32;
  /// Most work one RRULE expansion may do: iterator steps and periods of
  /// the rule searched (`actors::calendar::expand`); beyond it a preview or
  /// listing is 422 and a series ends (`end_reason: budget`).
  size_t recurrence_budget = 10000;
  /// Longest wall-clock time one RRULE expansion may take (libical cannot
  /// be interrupted inside one call; see actors/expansion_runner.hpp).
  caf::timespan recurrence_time_limit = std::chrono::milliseconds(200);
};

/// The accounts actor (`actors::token_settings`); 0 turns a count off.
struct account_options {
  /// Lifetime of access and refresh tokens.
  caf::timespan access_ttl = std::chrono::minutes(15);
  caf::timespan refresh_ttl = std::chrono::hours(24 * 30);
  /// Failed logins per username, and per client address, within
  /// `login_window`; beyond them logins are refused (429) until the window
  /// ends.
  size_t login_user_failures = 10;
  size_t login_address_failures = 100;
  caf::timespan login_window = std::chrono::minutes(15);
  /// Registrations per client address within `register_window`.
  size_t register_limit = 20;
  caf::timespan register_window = std::chrono::hours(1);
  /// Password hashes waiting or running at once; beyond: 503.
  size_t hash_queue = 64;
  /// Detached password hashers; 0: one per core.
  size_t hash_workers = 0;
  /// How long a used refresh token still returns the pair it was traded
  /// for; 0 turns the grace off.
  caf::timespan refresh_grace = std::chrono::seconds(30);
};

/// The journal (`actors::node_settings`).
struct journal_options {
  /// Most commands the journal commits in one transaction.
  size_t max_batch = 4096;
  /// How long `GET /api/v1/requests/{id}` can find a finished request.
  caf::timespan request_retention = std::chrono::hours(24);
  /// How long committed events stay readable (`/api/v1/events`, resume);
  /// 0 keeps every event. A user's last event always stays.
  caf::timespan event_retention{0};
};

/// The Kafka bridge (`io::kafka_settings`): empty `brokers` means off.
struct kafka_options {
  std::string brokers;
  std::string group_id = "actodo";
  std::string commands_topic = "actodo.commands";
  std::string events_topic = "actodo.events";
  std::string reminders_topic = "actodo.reminders";
  std::string results_topic = "actodo.results";
  std::string dlq_topic = "actodo.commands.dlq";
  /// CloudEvents content mode of produced events: `binary` or `structured`.
  std::string mode = "binary";
  /// Gateway mode: HTTP writes go through `commands_topic`.
  bool route_http = false;
  /// librdkafka properties passed through verbatim (name, value):
  /// `--kafka.property.NAME=VALUE`, `ACTODO_KAFKA_PROPERTY_NAME=VALUE`.
  std::vector<std::pair<std::string, std::string>> properties;
  /// Set by the node, not by an option: properties of the command
  /// consumer only (cluster mode: its session timeout).
  std::vector<std::pair<std::string, std::string>> consumer_properties;
};

/// Cluster mode (`io::cluster`): several nodes as one actor system. Off
/// while `redis` is empty; then the node runs alone.
struct cluster_options {
  /// The cluster's Redis: `redis://[:password@]host[:port][/db]`.
  std::string redis;
  /// This node's name in the cluster (letters, digits, `.`, `_`, `-`).
  std::string node_id;
  /// Address and port of the node's BASP endpoint (other nodes connect
  /// here); port 0 picks a free one, -1: not given.
  std::string host = "127.0.0.1";
  int32_t port = -1;
  /// `host:port` other nodes dial (default: host and the bound port).
  std::string advertise;
  /// PEM files of `actodo cluster certs`: `ca.pem`, `node.pem`, `node.key`.
  std::string tls_dir;
  /// Plain BASP between nodes; only on a loopback host.
  bool insecure = false;
  /// How long a silent node keeps its partitions (Kafka's session timeout)
  /// and its registry entry.
  caf::timespan session_timeout = std::chrono::seconds(10);
  /// How often the node refreshes its registry entry and presence.
  caf::timespan heartbeat = std::chrono::seconds(1);
};

/// Webhooks (`io::webhooks`): signed deliveries of a user's events to URLs.
struct webhook_options {
  /// Most webhooks per user.
  int64_t max_per_user = 20;
  /// First retry delay after a failed delivery; doubles per attempt (with
  /// jitter) up to `retry_max`.
  caf::timespan retry_initial = std::chrono::seconds(5);
  caf::timespan retry_max = std::chrono::hours(1);
  /// How long an event is retried before the webhook is disabled.
  caf::timespan retry_for = std::chrono::hours(24);
  /// Longest wait for a receiver's answer.
  caf::timespan timeout = std::chrono::seconds(10);
  /// Deliver to loopback, private, link-local and multicast addresses
  /// (tests, trusted networks). Off: refused at registration and delivery.
  bool allow_private = false;
  /// Delivery attempts kept per webhook for `/deliveries`.
  int64_t keep_deliveries = 100;
};

/// Import jobs (`io::jobs`): files of todos applied as commands.
struct import_options {
  /// Largest import body in bytes (50 MiB); larger: 413. Raised for
  /// `POST /api/v1/imports` only, and only once the request is
  /// authenticated.
  int64_t max_bytes = 50 * 1024 * 1024;
  /// Most items in one import; more: 413.
  int64_t max_items = 100000;
  /// Most queued or running jobs per user; more: 409.
  int64_t max_active = 2;
  /// Jobs a node runs at once (each holds its file in memory); the others
  /// wait, queued.
  int64_t max_running = 2;
  /// Upload bodies a node reads at once (each in memory until stored);
  /// more: 503.
  int64_t max_uploads = 4;
  /// How long a node holds a job without renewing it (every third of
  /// this): a node that stops loses its jobs to the others after it.
  caf::timespan lease = std::chrono::seconds(30);
};

/// Read-only calendar feeds (`io::feeds`).
struct feed_options {
  /// Most feeds per user; more: 409.
  int64_t max_per_user = 10;
};

} // namespace actodo::config
