#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/actor_system_config.hpp"
#include "caf/error.hpp"
#include "caf/timespan.hpp"

#include "config/settings.hpp"

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

  /// The options of the modules (config/settings.hpp), bound in place.
  web_options web;
  list_options lists;
  kafka_options kafka;
  cluster_options cluster;
  webhook_options webhooks;
  import_options imports;
  feed_options feeds;
  account_options accounts;
  journal_options journal;

  /// The node's private directory (created when missing, locked while the
  /// node runs): secrets, the console socket and the default SQLite store.
  std::string data_dir = "actodo-data";

  /// Where commands, events, todos and accounts are kept: `sqlite:PATH`
  /// (empty: `sqlite:<data-dir>/actodo.db`) or a libpq connection URI
  /// `postgresql://user@host:port/db` (password better from `PGPASSWORD`
  /// or `~/.pgpass`; never printed).
  std::string store;

  /// SQLite `synchronous` setting: `full` (fsync per commit) or `normal`.
  std::string sync = "full";

  /// Page cache of the journal's SQLite connection in MiB (SQLite's own
  /// default too; a miss costs a `pread` under the commit, a page kept
  /// costs resident memory).
  int64_t sqlite_cache_mib = 2;

  /// Entries (todo row versions) of recent commits that may wait in the
  /// SQLite journal's `todo_log` before they must be written in place (0:
  /// every commit writes them in place). At most about 250 bytes of memory
  /// each while waiting.
  int64_t sqlite_deferred_rows = 65536;

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

  /// Turns the per-message and per-request bookkeeping off (to measure what
  /// it costs).
  bool no_metrics = false;

  /// `local` (no login, one local user, loopback only) or `token`.
  std::string auth = "local";

  /// HS256 key for access tokens (at least 32 bytes). Prefer
  /// `ACTODO_JWT_SECRET` or `--jwt-secret-file`; when neither is given the
  /// node generates one in `<data-dir>/jwt-secret` (mode 0600).
  std::string jwt_secret;
  std::string jwt_secret_file;

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
