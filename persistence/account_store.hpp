#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "caf/expected.hpp"

#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

class sqlite_statement;

/// A user account; the password only as a slow salted hash.
struct user_record {
  std::string id;
  std::string username;
  std::string password_hash;
  int64_t created_ms = 0;
};

/// What presenting a refresh token found.
struct refresh_use {
  enum class outcome {
    /// No such token (never issued, revoked or pruned).
    unknown,
    /// Issued but past its expiry.
    expired,
    /// Valid and unused: now marked used.
    fresh,
    /// Used before (at `used_ms`): a replay or a stolen token.
    reused,
  };
  outcome result = outcome::unknown;
  std::string user_id;
  /// Every token rotated from one login shares the family of the first.
  std::string family;
  int64_t used_ms = 0;
};

/// Accounts and refresh tokens in the node's SQLite database, on a
/// connection of their own (owned by the `accounts` actor). Refresh tokens
/// are stored only as SHA-256 hashes.
class account_store {
 public:
  static caf::expected<std::unique_ptr<account_store>>
  open(const std::string& data_dir);

  ~account_store();

  /// Fails with `ec::conflict` when the username is taken.
  caf::error create_user(const user_record& user);

  caf::expected<std::optional<user_record>>
  find_by_name(const std::string& username);

  caf::expected<std::optional<user_record>> find_by_id(const std::string& id);

  caf::error save_refresh(const std::string& token_hash,
                          const std::string& user_id, const std::string& family,
                          int64_t expires_ms);

  /// Looks a refresh token up and marks it used when it was valid and
  /// unused at `now_ms` (each refresh token works once; used ones are kept
  /// until they expire so that a replay is recognised).
  caf::expected<refresh_use> use_refresh(const std::string& token_hash,
                                         int64_t now_ms);

  /// Deletes every token of a family; returns how many.
  caf::expected<int64_t> revoke_family(const std::string& family);

  /// Deletes tokens that expired at `now_ms`; returns how many.
  caf::expected<int64_t> prune_refresh(int64_t now_ms);

  /// Refresh tokens stored (for tests and the console).
  caf::expected<int64_t> count_refresh();

  /// A transaction around several calls (a refresh marks the old token used
  /// and stores the new one, or does neither). `commit` ends it either way
  /// (a failed COMMIT rolls back); `rollback` when none is open does
  /// nothing.
  caf::error begin();
  caf::error commit();
  void rollback();

 private:
  struct statements;
  explicit account_store(connection db);

  connection db_;
  std::unique_ptr<statements> stmts_;
  /// The transaction between `begin` and `commit` or `rollback`.
  std::optional<sqlite_transaction> txn_;
};

} // namespace actodo::persistence
