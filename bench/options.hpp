#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace actodo::bench {

/// Who a client acts as. Until the server has accounts every request is the
/// local user and `token` stays empty; once it is set, clients send it as
/// `Authorization: Bearer <token>` (see bench/README.md, many-users).
struct user {
  std::string name = "local";
  std::string token;
};

/// Command line of `actodo_bench <scenario> --flag=value ...`.
struct options {
  std::string scenario;
  std::string server; ///< path to the `actodo` binary
  std::string report; ///< JSON report path (optional)
  int connections = 16; ///< HTTP connections (writers or readers)
  double rate = 0; ///< requests/s, 0 = closed loop
  std::chrono::milliseconds duration{15000};
  std::chrono::milliseconds warmup{2000};
  std::chrono::milliseconds drain{5000}; ///< wait for late answers
  int sessions = 100; ///< fanout: WebSocket sessions
  int idle = 10000; ///< idle-sessions: WebSockets to open
  int preload = 2000; ///< reads: todos created before measuring
  /// reads: one request target instead of the mix (e.g. the issue's
  /// `/api/v1/todos?limit=50&sort=due,-priority`); empty = the mix.
  std::string query;
  /// async-create: users written to round-robin; above 1 the server runs
  /// `--auth=token` with a key of the bench's and the rate limits off.
  int user_count = 1;
  int connect_parallelism = 128; ///< WebSocket opens in flight
  bool keep_data = false; ///< keep the server's data directory
  /// Passed to `actodo serve` (`--sync=`, `--io-threads=`, ...).
  std::vector<std::string> server_args;
  /// Every flag exactly as given, for the report.
  std::map<std::string, std::string> given;
  std::vector<user> users{user{}};

  /// Upper bound of one run's wall time (before the watchdog fires).
  std::chrono::seconds time_limit() const;
};

/// Parses argv; throws std::invalid_argument with a message on bad input.
options parse_options(int argc, char** argv);

/// Parses `15s`, `500ms`, `2m` or a plain number of seconds.
std::chrono::milliseconds parse_duration(const std::string& text);

/// The usage text.
extern const char* usage_text;

} // namespace actodo::bench
