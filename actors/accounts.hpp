#pragma once

#include <memory>
#include <string>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "persistence/account_store.hpp"

namespace actodo::actors {

/// What the `accounts` actor needs to issue tokens.
struct token_settings {
  /// HS256 key (at least 32 bytes).
  std::string secret;
  caf::timespan access_ttl = std::chrono::minutes(15);
  caf::timespan refresh_ttl = std::chrono::hours(24 * 30);
};

/// Registers users, checks passwords (scrypt) and issues access tokens (JWT,
/// HS256) and single-use refresh tokens.
struct accounts_state {
  static inline const char* name = "accounts";

  std::shared_ptr<persistence::account_store> store;
  token_settings settings;

  reply signup(const std::string& username, const std::string& password);
  reply login(const std::string& username, const std::string& password);
  reply refresh(const std::string& token);
  reply logout(const std::string& token);
  reply me(const std::string& user_id);

  /// A fresh access/refresh token pair for `user_id`.
  reply issue(const std::string& user_id);
};

/// Spawn detached: SQLite and scrypt block.
accounts_actor::behavior_type
accounts(accounts_actor::stateful_pointer<accounts_state> self,
         std::shared_ptr<persistence::account_store> store,
         token_settings settings);

} // namespace actodo::actors
