#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "persistence/records.hpp"
#include "persistence/sqlite_connection.hpp"

namespace actodo::persistence {

/// The reads of `sqlite_store`, on a read-only connection of their own to
/// the same WAL database: a read takes no write lock and never waits for a
/// writer (WAL readers see the last commit before they started). Blocking
/// and not thread-safe: the store's owner calls it.
class sqlite_reader {
 public:
  /// Opens the existing (migrated) `<data_dir>/actodo.db` read-only.
  static caf::expected<std::unique_ptr<sqlite_reader>>
  open(const std::string& path);

  ~sqlite_reader();

  caf::expected<int64_t> last_seq(const std::string& user);
  /// The rows of `user` in `todos` (todos, notifications, settings), as
  /// written in place (`sqlite_row_log` has the newer ones).
  caf::expected<std::vector<todo_record>> todo_rows(const std::string& user);
  caf::expected<std::vector<event_record>>
  read_events(const std::string& user, int64_t after, int64_t limit);
  caf::expected<std::optional<request_record>>
  find_request(const std::string& user, const std::string& id);
  caf::expected<std::optional<request_record>>
  find_idempotent(const std::string& user, const std::string& key);
  caf::expected<std::vector<wake_entry>> wakes_after(const wake_entry& after,
                                                     int64_t limit);
  caf::expected<int64_t> count_wakes();
  caf::expected<std::vector<outbox_record>> read_outbox(int64_t after,
                                                        int64_t limit);
  caf::expected<int64_t> published_position();
  caf::expected<int64_t> outbox_backlog();

 private:
  struct statements;

  explicit sqlite_reader(connection db);

  connection db_;
  std::unique_ptr<statements> stmts_;
};

} // namespace actodo::persistence
