#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/meta/type_name.hpp"

namespace actodo::persistence {

/// A read-only calendar feed of a user (`/feeds/{token}.ics`). The token
/// itself is never stored: only its SHA-256, so the store cannot leak a
/// working feed URL.
struct feed_record {
  /// `feed_` + a time-ordered id.
  std::string id;
  std::string user_id;
  /// Lower-case hex SHA-256 of the token.
  std::string token_hash;
  std::string description;
  int64_t created_ms = 0;
};

/// Calendar feeds. Blocking and not thread-safe: one owner (the `feeds`
/// actor) calls an implementation.
class feed_store {
 public:
  virtual ~feed_store() = default;

  /// Stores a feed. Fails with `ec::limit_exceeded` (field `feeds`) when
  /// the user has `max_per_user` feeds already, `ec::conflict` when the id
  /// or the token hash is taken.
  virtual caf::error create_feed(const feed_record& feed, int64_t max_per_user)
    = 0;

  /// The user's feeds, oldest first.
  virtual caf::expected<std::vector<feed_record>>
  list_feeds(const std::string& user_id) = 0;

  /// Revokes a feed of a user; `ec::not_found` when it is not there.
  virtual caf::error
  delete_feed(const std::string& user_id, const std::string& id)
    = 0;

  /// The feed of a token hash (`std::nullopt`: none, or revoked).
  virtual caf::expected<std::optional<feed_record>>
  find_feed(const std::string& token_hash) = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_record& x) {
  return f(caf::meta::type_name("feed_record"), x.id, x.user_id, x.token_hash,
           x.description, x.created_ms);
}

} // namespace actodo::persistence
