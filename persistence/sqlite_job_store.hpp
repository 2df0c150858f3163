#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "persistence/job_store.hpp"
#include "persistence/sqlite_connection.hpp"

struct sqlite3;

namespace actodo::persistence {

/// Import jobs, their errors and the imported UIDs in the node's SQLite
/// database, on a connection of their own (owned by the `jobs` actor).
class sqlite_job_store : public job_store {
 public:
  /// Opens (and creates or migrates) the database at `path`.
  static caf::expected<std::unique_ptr<sqlite_job_store>>
  open(const std::string& path);

  ~sqlite_job_store() override;

  caf::error create_job(const job_record& job, const std::string& payload,
                        int64_t max_active) override;
  caf::expected<std::optional<job_record>>
  find_keyed_job(const std::string& user_id, const std::string& key) override;
  caf::expected<std::optional<job_record>>
  find_job(const std::string& user_id, const std::string& id) override;
  caf::expected<std::vector<job_error>> job_errors(const std::string& id,
                                                   int64_t limit) override;
  caf::expected<std::vector<job_record>>
  unfinished_jobs(const std::string& node) override;
  caf::expected<std::vector<job_record>>
  claim_jobs(const std::string& node, const std::vector<std::string>& running,
             int64_t now_ms, int64_t lease_until_ms, int64_t limit) override;
  caf::error renew_jobs(const std::string& node,
                        const std::vector<std::string>& ids,
                        int64_t lease_until_ms) override;
  caf::expected<std::string> job_payload(const std::string& id) override;
  caf::expected<bool> record_progress(const job_progress& x) override;
  caf::expected<job_record> cancel_job(const std::string& user_id,
                                       const std::string& id,
                                       int64_t updated_ms) override;
  caf::expected<std::vector<job_record>>
  owed_notifications(int64_t ended_before_ms, int64_t limit) override;
  caf::error notified(const std::string& id) override;
  caf::expected<std::map<std::string, std::string>>
  imported_uids(const std::string& user_id,
                const std::vector<std::string>& uids) override;

 private:
  struct statements;
  explicit sqlite_job_store(connection db);

  connection db_;
  std::unique_ptr<statements> stmts_;
};

} // namespace actodo::persistence
