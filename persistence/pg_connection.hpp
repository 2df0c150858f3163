#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

struct pg_conn;
struct pg_result;

namespace actodo::persistence {

/// Frees a libpq result.
struct clear_result {
  void operator()(pg_result* res) const noexcept;
};

/// The rows of one statement (text format).
class pg_rows {
 public:
  explicit pg_rows(pg_result* res) : res_(res) {}

  int size() const;
  bool empty() const {
    return size() == 0;
  }
  std::string text(int row, int col) const;
  int64_t integer(int row, int col) const;
  bool null(int row, int col) const;

 private:
  std::unique_ptr<pg_result, clear_result> res_;
};

/// Parameters of one statement, all sent as text.
using pg_params = std::vector<std::string>;

/// One prepared statement and its parameters, for a pipeline.
struct pg_call {
  const char* statement;
  pg_params params;
};

/// One PostgreSQL connection (libpq) with named prepared statements, which
/// survive a reconnect: a connection that broke (the server restarted, the
/// network dropped) is reset on the next use, with backoff between
/// attempts; until then every call fails at once with `ec::unavailable`
/// and a retry time. Blocking and not thread-safe: one owner uses it.
class pg_connection {
 public:
  /// Connects to `conninfo` (a libpq URI or key=value string). A failure
  /// never includes the password.
  static caf::expected<pg_connection> connect(std::string conninfo);

  /// Prepares `statements` (name, SQL), now and after every reconnect.
  caf::error
  prepare(std::vector<std::pair<std::string, std::string>> statements);

  pg_connection(pg_connection&&) noexcept;
  pg_connection& operator=(pg_connection&&) noexcept;
  ~pg_connection();

  /// Runs SQL without parameters (several statements allowed).
  caf::error execute(const std::string& sql);

  /// Runs one query without parameters and returns its rows.
  caf::expected<pg_rows> select(const std::string& sql);

  /// Runs a prepared statement and returns its rows.
  caf::expected<pg_rows> query(const char* statement, const pg_params& params);

  /// Runs a prepared statement; the number of rows it changed.
  caf::expected<int64_t> change(const char* statement, const pg_params& params);

  /// Runs all calls in one transaction and one round trip (libpq's
  /// pipeline mode): `BEGIN`, the calls, `COMMIT`. Either all took effect
  /// and the `COMMIT` returned, or the transaction is rolled back (or its
  /// outcome is unknown because the connection broke: `ec::unavailable`).
  caf::error transaction(const std::vector<pg_call>& calls);

  /// Whether the server answers now (reconnects when due): `unavailable`
  /// when it does not.
  caf::error ping();

  /// The SQLSTATE of the last failed statement ("" when none).
  const std::string& last_state() const noexcept {
    return last_state_;
  }

 private:
  pg_connection() = default;

  /// Connects or reconnects when the connection is broken and the backoff
  /// allows; fails with `ec::unavailable` otherwise.
  caf::error ensure();
  caf::error open();
  caf::error prepare_all();
  /// The error for a failed statement (connection loss: `unavailable`).
  caf::error failure(const std::string& what, pg_result* res);
  caf::error unavailable(const std::string& why);

  std::string conninfo_;
  std::vector<std::pair<std::string, std::string>> statements_;
  pg_conn* conn_ = nullptr;
  std::string last_state_;
  std::chrono::steady_clock::time_point next_attempt_;
  std::chrono::milliseconds backoff_{0};
};

/// The URI without its password, for logs and the start line:
/// `postgresql://user@host:port/db`. Empty when `uri` does not parse.
std::string describe_pg_uri(const std::string& uri);

} // namespace actodo::persistence
