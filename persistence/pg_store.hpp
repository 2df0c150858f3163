#pragma once

#include <memory>
#include <string>

#include "persistence/pg_connection.hpp"
#include "persistence/store.hpp"

namespace actodo::persistence {

/// The shared store: the same tables as `sqlite_store` in a PostgreSQL
/// database (libpq), for nodes that outgrow one process. A group commit is
/// one transaction sent in one round trip (pipeline mode) and acknowledged
/// only once `COMMIT` returned with `synchronous_commit = on`. While the
/// server is unreachable every call fails at once with `ec::unavailable`
/// (503 + `Retry-After` at the edge) and the connection is re-established
/// with backoff. Blocking and not thread-safe: one owner (the journal
/// actor) calls it.
class pg_store : public store {
 public:
  /// Connects to `conninfo` (a `postgresql://` URI) and migrates the
  /// schema. With `with_outbox`, every committed event is also recorded in
  /// the `outbox` table in the same transaction (the Kafka egress).
  static caf::expected<std::unique_ptr<pg_store>>
  open(const std::string& conninfo, bool with_outbox = false);

  // -- event_log --------------------------------------------------------------

  caf::error commit(const std::vector<user_batch>& batches) override;
  caf::expected<int64_t> last_seq(const std::string& user) override;
  caf::expected<user_snapshot> load_user(const std::string& user) override;
  caf::expected<std::vector<event_record>>
  read_events(const std::string& user, int64_t after, int64_t limit) override;
  /// Nothing waits: a commit writes its rows in place.
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

  caf::error ping() override;

 private:
  pg_store(pg_connection db, bool with_outbox)
    : db_(std::move(db)), with_outbox_(with_outbox) {}

  void add_calls(const user_batch& batch, const std::string& now_ms,
                 std::vector<pg_call>& calls) const;
  caf::expected<std::optional<request_record>>
  read_request(const char* statement, const pg_params& params);
  caf::expected<int64_t> single(const char* statement, const pg_params& params);
  /// The epochs `statement` (with `params`) returns as (partition, epoch)
  /// rows, in the order of `partitions` (0 for a partition without a row).
  caf::expected<std::vector<int64_t>>
  epochs(const char* statement, const std::vector<int32_t>& partitions,
         const pg_params& params);

  pg_connection db_;
  bool with_outbox_;
};

} // namespace actodo::persistence
