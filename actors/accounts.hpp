#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/typed_event_based_actor.hpp"

#include "actors/auth/budget.hpp"
#include "actors/auth/fair_queue.hpp"
#include "actors/auth/refresh_grace.hpp"
#include "actors/interfaces.hpp"
#include "config/settings.hpp"
#include "persistence/account_store.hpp"

namespace actodo::actors {

/// The accounts actor's options (config/settings.hpp, declared and
/// defaulted there once) plus what the node wires in.
struct token_settings : config::account_options {
  /// Longest wait for a free hasher, and longest hash (each; beyond:
  /// `unavailable`).
  caf::timespan hash_timeout = std::chrono::seconds(30);
  /// How often expired refresh tokens are deleted (0: only at start).
  caf::timespan prune_interval = std::chrono::hours(1);
};

/// A password hash or check waiting for a free hasher.
struct hash_job {
  std::chrono::steady_clock::time_point queued;
  /// Sends the work to hasher `w` (which is then busy until it answers).
  std::function<void(size_t w)> run;
  /// Answers the client when the job waited longer than `hash_timeout`.
  std::function<void()> give_up;
};

/// Registers users, checks passwords (scrypt, on the hasher pool) and
/// issues access tokens (JWT, HS256) and rotating refresh tokens.
struct accounts_state {
  static inline const char* name = "accounts";

  accounts_actor::stateful_pointer<accounts_state> self = nullptr;
  std::shared_ptr<persistence::account_store> store;
  token_settings settings;
  /// The hasher pool and the hashes each one has outstanding (at most
  /// one: the waiting ones stay here, where they take turns by username).
  std::vector<hasher_actor> hashers;
  std::vector<size_t> busy;
  auth::fair_queue<hash_job> waiting;
  /// Stands in for the hash of an unknown user (same work, same answer).
  std::string dummy_hash;
  auth::budget user_failures{0, {}};
  auth::budget address_failures{0, {}};
  auth::budget registrations{0, {}};
  auth::refresh_grace grace;

  caf::result<account_info> signup(const std::string& username,
                                   const std::string& password,
                                   const std::string& remote);
  caf::result<token_pair> login(const std::string& username,
                                const std::string& password,
                                const std::string& remote);
  caf::expected<token_pair> refresh(const std::string& token);
  /// Uses the refresh token `key` (its hash) and issues the next pair, or
  /// revokes its family on a replay; `family` names the family touched.
  caf::expected<token_pair> rotate(const std::string& key, int64_t now,
                                   std::string& family);
  caf::expected<logged_out> logout(const std::string& token);
  caf::expected<account_info> me(const std::string& user_id);
  void prune();

  /// Checks `password` against `hash` (of `user_id`; empty: no such user)
  /// on the hasher pool and issues a token pair when it matches.
  caf::result<token_pair>
  check_password(const std::string& name, const std::string& remote,
                 std::string user_id, std::string password, std::string hash);

  /// Stores a new account with the password hash `hash`.
  caf::expected<account_info> create(const std::string& name, std::string hash);

  /// A fresh access/refresh token pair for `user_id` in `family` (a new
  /// family when empty: a login).
  caf::expected<token_pair> issue(const std::string& user_id,
                                  std::string family);

  /// Whether another hash may wait (fewer than `hash_queue` pending).
  bool can_queue() const;

  /// Queues a hash under `key` (the username) and starts what fits.
  void enqueue(const std::string& key, hash_job job);

  /// Hands waiting jobs to idle hashers.
  void dispatch();

  /// Hasher `w` answered.
  void finished(size_t w);
};

/// Spawn detached: SQLite blocks. `hashers` is the pool (at least one).
accounts_actor::behavior_type
accounts(accounts_actor::stateful_pointer<accounts_state> self,
         std::shared_ptr<persistence::account_store> store,
         token_settings settings, std::vector<hasher_actor> hashers);

} // namespace actodo::actors
