#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/actor_system_config.hpp"
#include "caf/error.hpp"
#include "caf/timespan.hpp"

namespace actodo::config {

/// The one typed configuration of an Actodo node. Values come from, in
/// increasing precedence: the defaults below, the config file
/// (`--config-file=PATH`), `ACTODO_*` environment variables and the command
/// line. Every option lives in the `actodo` group on the command line as
/// `--name=value` (e.g. `--port=8080`) and in the config file as
/// `actodo { port = 8080 }`.
class app_config : public caf::actor_system_config {
 public:
  app_config();

  /// Address to bind; loopback only until authentication exists.
  std::string host = "127.0.0.1";

  /// TCP port; 0 picks a free one (the server prints the bound address).
  uint16_t port = 8080;

  /// Directory of the SQLite database (created when missing).
  std::string data_dir = "actodo-data";

  /// Largest accepted HTTP request body in bytes.
  size_t body_limit = 1024 * 1024;

  /// Number of Boost.Asio threads serving HTTP and WebSocket.
  size_t io_threads = 1;

  /// Most commands the journal commits in one transaction.
  size_t max_batch = 4096;

  /// SQLite `synchronous` setting: `full` (fsync per commit) or `normal`.
  std::string sync = "full";

  /// An idle `todo_list` without sessions is passivated after this long.
  caf::timespan idle_timeout = std::chrono::minutes(5);

  /// Upper bound for any internal request (web -> actors -> journal).
  caf::timespan request_timeout = std::chrono::seconds(30);

  /// Frames queued for one WebSocket before a slow reader is disconnected.
  size_t ws_queue_limit = 4096;

  /// Web hardening (README "Limits"): bytes queued for slow WebSocket
  /// readers per socket and per user, the largest WebSocket message,
  /// permessage-deflate, open connections (0: derived from the descriptor
  /// limit), origins allowed cross-origin (comma list, `*`: any) and how
  /// long a closing connection drains unread request bytes.
  size_t ws_queue_bytes = 4 * 1024 * 1024;
  size_t ws_user_queue_bytes = 16 * 1024 * 1024;
  size_t ws_max_message = 64 * 1024;
  bool ws_deflate = false;
  size_t max_connections = 0;
  std::string cors_origins;
  caf::timespan linger_timeout = std::chrono::seconds(2);

  /// Where the inspector answers `actodo console` (CAF networking); port 0
  /// picks a free one, -1 disables it.
  std::string admin_host = "127.0.0.1";
  int32_t admin_port = 8081;

  /// The console's credential; generated into `<data-dir>/admin-token`
  /// (mode 0600) when not given (prefer `ACTODO_ADMIN_TOKEN`).
  std::string admin_token;

  /// The console endpoint speaks mutually authenticated TLS: both sides show
  /// a certificate signed by the CA. Given as three PEM files (all or none);
  /// by default a CA, node certificate and key are generated into
  /// `<data-dir>/tls/` (mode 0600) on first start, and the console reads
  /// them from there.
  std::string admin_tls_cert;
  std::string admin_tls_key;
  std::string admin_tls_ca;

  /// Plain BASP without TLS on the console endpoint (any local process that
  /// connects reaches the BASP parser); only with a loopback admin-host.
  bool admin_insecure = false;

  /// Connections the console endpoint holds at once (handshaking or
  /// relaying; more are closed at once), and how long a peer may take to
  /// finish the TLS handshake.
  size_t admin_max_connections = 64;
  caf::timespan admin_handshake_timeout = std::chrono::seconds(10);

  /// Longest time to read one HTTP request, and to wait for the next one on
  /// an idle keep-alive connection (slowloris protection).
  caf::timespan read_timeout = std::chrono::seconds(30);

  /// Serve the diagnostic WebSocket echo endpoint `/diag/ws-echo` (for
  /// RFC 6455 conformance suites).
  bool ws_echo = false;

  /// Serve the web UI from this directory, read from disk on every request
  /// (for working on the UI); empty: the copy embedded at build time.
  std::string ui_dir;

  /// Turns the per-message and per-request bookkeeping off (to measure what
  /// it costs).
  bool no_metrics = false;

  /// Most todos one user may have.
  size_t max_todos = 10000;

  /// Most work one RRULE expansion may do: iterator steps and periods of
  /// the rule searched (`calendar::expand`); beyond it a preview or listing
  /// is 422 and a series ends (`end_reason: budget`).
  size_t recurrence_budget = 10000;

  /// Longest wall-clock time one RRULE expansion may take (libical cannot
  /// be interrupted inside one call; see actors/expansion_runner.hpp).
  caf::timespan recurrence_time_limit = std::chrono::milliseconds(200);

  /// RRULE previews and occurrence listings per second per user (a token
  /// bucket with a burst of twice the rate, in both auth modes); 0: off.
  size_t preview_rate_limit = 5;

  /// Most simultaneous WebSocket sessions of one user.
  size_t max_sessions = 32;

  /// Requests per second per user and per client address (token buckets
  /// with a burst of twice the rate); 0 turns a limit off. Only enforced
  /// with `--auth=token`: the local user is the only user.
  size_t rate_limit = 200;
  size_t ip_rate_limit = 1000;

  /// `local` (no login, one local user, loopback only) or `token`.
  std::string auth = "local";

  /// HS256 key for access tokens (at least 32 bytes). Prefer
  /// `ACTODO_JWT_SECRET` or `--jwt-secret-file`; when neither is given the
  /// node generates one in `<data-dir>/jwt-secret` (mode 0600).
  std::string jwt_secret;
  std::string jwt_secret_file;

  /// Lifetime of access and refresh tokens.
  caf::timespan access_ttl = std::chrono::minutes(15);
  caf::timespan refresh_ttl = std::chrono::hours(24 * 30);

  /// Account limits (README "Limits"; 0 turns a count off): failed logins
  /// per username and per client address within `login_window` (then 429);
  /// registrations per address within `register_window`; password hashes
  /// waiting or running (then 503); detached hashers (0: one per core); how
  /// long a used refresh token still returns the pair it was traded for.
  size_t login_user_failures = 10;
  size_t login_address_failures = 100;
  caf::timespan login_window = std::chrono::minutes(15);
  size_t register_limit = 20;
  caf::timespan register_window = std::chrono::hours(1);
  size_t hash_queue = 64;
  size_t hash_workers = 0;
  caf::timespan refresh_grace = std::chrono::seconds(30);

  /// How long `GET /api/v1/requests/{id}` can find a finished request.
  caf::timespan request_retention = std::chrono::hours(24);

  /// Kafka bridge (`kafka.*` options, README "Kafka"): brokers empty means
  /// Kafka is off (the embedded default).
  std::string kafka_brokers;
  std::string kafka_group_id = "actodo";
  std::string kafka_commands_topic = "actodo.commands";
  std::string kafka_events_topic = "actodo.events";
  std::string kafka_reminders_topic = "actodo.reminders";
  std::string kafka_results_topic = "actodo.results";
  std::string kafka_dlq_topic = "actodo.commands.dlq";
  /// CloudEvents content mode of produced events: `binary` or `structured`.
  std::string kafka_mode = "binary";
  /// Gateway mode: HTTP writes are produced to the commands topic.
  bool kafka_route_http = false;
  /// librdkafka properties passed through (`--kafka.property.NAME=VALUE`,
  /// `ACTODO_KAFKA_PROPERTY_NAME_WITH_DOTS=VALUE` with `_` for `.`).
  std::vector<std::pair<std::string, std::string>> kafka_properties;

  /// Checks every value; returns an error whose message names the option.
  caf::error validate() const;

  /// The text of `actodo serve --help`: Actodo's option groups (`global`,
  /// `kafka`) and the librdkafka pass-through; `all` (`--long-help`) adds
  /// CAF's own groups (scheduler, middleman, logger, ...).
  std::string help_text(bool all) const;

  /// The option that `--name` (given without the dashes) sets, or null.
  const caf::config_option* find_option(caf::string_view name) const;

  /// The option `name` of group `category` (`global`, `kafka`, `scheduler`,
  /// ...), or null.
  const caf::config_option* find_option(caf::string_view category,
                                        caf::string_view name) const;
};

/// Fills `cfg` from the config file, `ACTODO_*` variables in `envp` and the
/// command-line arguments `cli` (in increasing precedence) and validates it.
/// Returns an error with a message for people; `cfg.cli_helptext_printed`
/// tells whether `--help` was answered.
caf::error load(app_config& cfg, const std::vector<std::string>& cli,
                char** envp);

/// Turns `ACTODO_*` environment variables into `--name=value` arguments for
/// the options known to `cfg` (`ACTODO_DATA_DIR` -> `--data-dir=...`).
/// Unknown `ACTODO_*` variables are reported in `unknown`.
std::vector<std::string>
environment_arguments(const app_config& cfg, char** envp,
                      std::vector<std::string>& unknown);

} // namespace actodo::config
