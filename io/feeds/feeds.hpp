#pragma once

#include <memory>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "persistence/feed_store.hpp"

namespace actodo::io::feeds {

struct feeds_settings {
  /// Most feeds per user.
  int64_t max_per_user = 10;
};

/// The node's read-only calendar feeds: the only user of the feed store
/// (blocking: run it detached). A feed's URL carries a random token of 32
/// bytes; the store keeps only its SHA-256, so a token is shown once, at
/// creation, and a lookup hashes the presented one.
struct feeds_state {
  static inline const char* name = "feeds";

  std::shared_ptr<persistence::feed_store> store;
  feeds_settings settings;
};

actors::feeds_actor::behavior_type
feeds(actors::feeds_actor::stateful_pointer<feeds_state> self,
      std::shared_ptr<persistence::feed_store> store, feeds_settings cfg);

/// The token of a new feed: base64url of 32 random bytes (43 characters).
std::string make_token();

/// Whether `x` has the shape of a token (so a lookup of anything else
/// costs nothing).
bool token_shaped(std::string_view x);

} // namespace actodo::io::feeds
