#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "caf/expected.hpp"

#include "persistence/account_store.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

class sqlite_statement;

/// Accounts and refresh tokens in the node's SQLite database, on a
/// connection of their own (owned by the `accounts` actor). Refresh tokens
/// are stored only as SHA-256 hashes.
class sqlite_account_store : public account_store {
 public:
  /// Opens (and creates or migrates) the database at `path`.
  static caf::expected<std::unique_ptr<sqlite_account_store>>
  open(const std::string& path);

  ~sqlite_account_store() override;

  caf::error create_user(const user_record& user) override;
  caf::expected<std::optional<user_record>>
  find_by_name(const std::string& username) override;
  caf::expected<std::optional<user_record>>
  find_by_id(const std::string& id) override;
  caf::error save_refresh(const std::string& token_hash,
                          const std::string& user_id, const std::string& family,
                          int64_t expires_ms) override;
  caf::expected<refresh_use> use_refresh(const std::string& token_hash,
                                         int64_t now_ms) override;
  caf::expected<int64_t> revoke_family(const std::string& family) override;
  caf::expected<int64_t> prune_refresh(int64_t now_ms) override;
  caf::expected<int64_t> count_refresh() override;
  caf::error begin() override;
  caf::error commit() override;
  void rollback() override;

 private:
  struct statements;
  explicit sqlite_account_store(connection db);

  connection db_;
  std::unique_ptr<statements> stmts_;
  /// The transaction between `begin` and `commit` or `rollback`.
  std::optional<sqlite_transaction> txn_;
};

} // namespace actodo::persistence
