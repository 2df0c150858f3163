#pragma once

#include <memory>
#include <string>

#include "persistence/account_store.hpp"
#include "persistence/pg_connection.hpp"

namespace actodo::persistence {

/// Accounts and refresh tokens in the PostgreSQL store, on a connection of
/// their own (owned by the `accounts` actor); the schema is migrated by
/// whichever of the two stores opens first.
class pg_account_store : public account_store {
 public:
  static caf::expected<std::unique_ptr<pg_account_store>>
  open(const std::string& conninfo);

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
  explicit pg_account_store(pg_connection db) : db_(std::move(db)) {}

  caf::expected<std::optional<user_record>> read_user(const char* statement,
                                                      const std::string& key);

  pg_connection db_;
  bool in_transaction_ = false;
};

} // namespace actodo::persistence
