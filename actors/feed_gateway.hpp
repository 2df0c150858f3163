#pragma once

#include <functional>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "actors/job_messages.hpp"
#include "persistence/feed_store.hpp"

namespace actodo::actors {

/// The web layer's door to calendar feeds (io/feeds): plain C++ with
/// callbacks, like `gateway`. Every call returns at once; the callback runs
/// later on a CAF thread. Refusals are `caf::error`s naming the field.
class feed_gateway {
 public:
  template<class T>
  using answer = std::function<void(caf::expected<T>)>;

  virtual ~feed_gateway() = default;

  /// A new feed of the user: its record and its token (the only answer
  /// that shows it).
  virtual void
  create(std::string user, std::string description, answer<feed_created> cb)
    = 0;

  virtual void
  list(std::string user, answer<std::vector<persistence::feed_record>> cb)
    = 0;

  /// Revokes a feed: its URL stops working at once.
  virtual void revoke(std::string user, std::string id, answer<bool> cb) = 0;

  /// The user a feed token belongs to (`not_found`: none, or revoked).
  virtual void owner(std::string token, answer<std::string> cb) = 0;
};

} // namespace actodo::actors
