#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "caf/expected.hpp"

struct sqlite3;

namespace actodo::persistence {

class sqlite_statement;

/// A user account; the password only as a slow salted hash.
struct user_record {
  std::string id;
  std::string username;
  std::string password_hash;
  int64_t created_ms = 0;
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
                          const std::string& user_id, int64_t expires_ms);

  /// Removes a refresh token and returns its user if it was valid at `now`
  /// (each refresh token works once).
  caf::expected<std::optional<std::string>>
  consume_refresh(const std::string& token_hash, int64_t now_ms);

 private:
  struct statements;
  explicit account_store(sqlite3* db);

  sqlite3* db_;
  std::unique_ptr<statements> stmts_;
};

} // namespace actodo::persistence
