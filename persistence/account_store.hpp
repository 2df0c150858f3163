#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "caf/error.hpp"
#include "caf/expected.hpp"

namespace actodo::persistence {

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

/// Accounts and refresh tokens: users with their password hashes, and
/// refresh tokens stored only as SHA-256 hashes. Blocking and not
/// thread-safe: one owner (the `accounts` actor) calls an implementation.
class account_store {
 public:
  virtual ~account_store() = default;

  /// Fails with `ec::conflict` when the username is taken.
  virtual caf::error create_user(const user_record& user) = 0;

  virtual caf::expected<std::optional<user_record>>
  find_by_name(const std::string& username) = 0;

  virtual caf::expected<std::optional<user_record>>
  find_by_id(const std::string& id) = 0;

  virtual caf::error save_refresh(const std::string& token_hash,
                                  const std::string& user_id,
                                  const std::string& family, int64_t expires_ms)
    = 0;

  /// Looks a refresh token up and marks it used when it was valid and
  /// unused at `now_ms` (each refresh token works once; used ones are kept
  /// until they expire so that a replay is recognised).
  virtual caf::expected<refresh_use>
  use_refresh(const std::string& token_hash, int64_t now_ms) = 0;

  /// Deletes every token of a family; returns how many.
  virtual caf::expected<int64_t> revoke_family(const std::string& family) = 0;

  /// Deletes tokens that expired at `now_ms`; returns how many.
  virtual caf::expected<int64_t> prune_refresh(int64_t now_ms) = 0;

  /// Refresh tokens stored (for tests and the console).
  virtual caf::expected<int64_t> count_refresh() = 0;

  /// A transaction around several calls (a refresh marks the old token used
  /// and stores the new one, or does neither). `commit` ends it either way
  /// (a failed COMMIT rolls back); `rollback` when none is open does
  /// nothing.
  virtual caf::error begin() = 0;
  virtual caf::error commit() = 0;
  virtual void rollback() = 0;
};

} // namespace actodo::persistence
