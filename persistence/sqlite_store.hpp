#pragma once

#include <memory>
#include <string>

#include "persistence/sqlite_connection.hpp"
#include "persistence/store.hpp"

namespace actodo::persistence {

class sqlite_checkpointer;
class sqlite_reader;
class sqlite_row_log;

/// The embedded store: one SQLite database in WAL mode under the data
/// directory, on two connections: commits on a read-write connection,
/// reads on a read-only one (`sqlite_reader`), and WAL checkpoints on a
/// thread of their own (`sqlite_checkpointer`). A commit is one transaction;
/// with `synchronous=FULL` it is on disk before `commit` returns, so
/// `kill -9` loses nothing acknowledged. Blocking and not thread-safe: one
/// owner (the journal actor) calls it.
class sqlite_store : public store {
 public:
  /// Opens (and creates or migrates) the database file at `path` (its
  /// directory is created when missing; see `database_path`). `sync` is
  /// `full` or `normal`. With `with_outbox`, every committed event is also
  /// recorded in the `outbox` table in the same transaction (for the Kafka
  /// egress); without, the outbox methods answer from a table that nothing
  /// fills. `cache_mib` bounds the writer's page cache. Up to
  /// `max_deferred` entries (todo row versions) of recent commits wait in
  /// `todo_log` before they must be folded in place (`sqlite_row_log`); a
  /// log longer than that is folded down to it now, and with 0 commits
  /// write their rows in place.
  static caf::expected<std::unique_ptr<sqlite_store>>
  open(const std::string& path, const std::string& sync,
       bool with_outbox = false, int64_t cache_mib = 2,
       size_t max_deferred = default_deferred_rows);

  /// Entries that may wait in `todo_log` by default: at most about 16 MiB
  /// of memory for their index, and room for a burst of 10,000 reminders
  /// (two or three rows each).
  static constexpr size_t default_deferred_rows = 65536;

  ~sqlite_store() override;

  // -- event_log --------------------------------------------------------------

  caf::error commit(const std::vector<user_batch>& batches) override;
  caf::expected<int64_t> last_seq(const std::string& user) override;
  caf::expected<user_snapshot> load_user(const std::string& user) override;
  caf::expected<std::vector<event_record>>
  read_events(const std::string& user, int64_t after, int64_t limit) override;
  persistence::deferred_rows deferred() override;
  caf::error fold(size_t max_rows) override;

  // -- request_log ------------------------------------------------------------

  caf::expected<std::optional<request_record>>
  find_request(const std::string& user, const std::string& id) override;
  caf::expected<std::optional<request_record>>
  find_idempotent(const std::string& user, const std::string& key) override;
  caf::error prune_requests(int64_t cutoff_ms) override;
  caf::expected<int64_t> prune_events(int64_t cutoff_ms,
                                      int64_t limit) override;

  // -- wake_index -------------------------------------------------------------

  caf::expected<std::vector<wake_entry>> wakes_after(const wake_entry& after,
                                                     int64_t limit) override;
  caf::expected<int64_t> count_wakes() override;

  // -- outbox -----------------------------------------------------------------

  caf::expected<std::vector<outbox_record>> read_outbox(int64_t after,
                                                        int64_t limit) override;
  caf::expected<int64_t> published_position() override;
  caf::error publish_position(int64_t position) override;
  caf::expected<int64_t> outbox_backlog() override;

  caf::expected<std::vector<int64_t>>
  claim_partitions(const std::vector<int32_t>& partitions,
                   const std::vector<int64_t>& published) override;
  caf::expected<std::vector<int64_t>>
  current_epochs(const std::vector<int32_t>& partitions) override;

  /// A local file is always there; its failures show in the operations.
  caf::error ping() override;

 private:
  struct statements;

  sqlite_store(connection db, bool with_outbox, size_t deferred_limit);

  /// `commit`'s transaction; the row log hears how it ended from `commit`.
  caf::error write_all(const std::vector<user_batch>& batches);
  caf::error write(const user_batch& batch, int64_t now_ms);
  caf::error write_events(const user_batch& batch, int64_t now_ms);

  /// Destroyed in reverse: the reader's and the checkpointer's connections
  /// close before the writer's, which checkpoints the WAL.
  connection db_;
  std::unique_ptr<statements> stmts_;
  std::unique_ptr<sqlite_row_log> row_log_;
  std::unique_ptr<sqlite_checkpointer> checkpointer_;
  std::unique_ptr<sqlite_reader> reader_;
  bool with_outbox_;
  size_t deferred_limit_;
};

} // namespace actodo::persistence
