#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "actors/webhook_messages.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::actors {

/// The web layer's door to the webhooks (io/webhooks): plain C++ with
/// callbacks, like `gateway`. Every call returns at once; the callback runs
/// later on a CAF thread. Refusals are `caf::error`s naming the field.
class webhook_gateway {
 public:
  template<class T>
  using answer = std::function<void(caf::expected<T>)>;

  virtual ~webhook_gateway() = default;

  /// Registers a webhook: the record with its secret (the only answer that
  /// shows it) and its cursor at the user's current sequence.
  virtual void create(std::string user, webhook_spec spec,
                      answer<persistence::webhook_record> cb)
    = 0;

  virtual void
  list(std::string user, answer<std::vector<persistence::webhook_record>> cb)
    = 0;

  virtual void
  get(std::string user, std::string id, answer<persistence::webhook_record> cb)
    = 0;

  /// Changes the members `spec` names.
  virtual void update(std::string user, std::string id, webhook_spec spec,
                      answer<persistence::webhook_record> cb)
    = 0;

  virtual void remove(std::string user, std::string id, answer<bool> cb) = 0;

  /// The latest delivery attempts, newest first.
  virtual void deliveries(std::string user, std::string id, int64_t limit,
                          answer<std::vector<persistence::delivery_record>> cb)
    = 0;

  /// Delivers again from `from_sequence` (inclusive).
  virtual void replay(std::string user, std::string id, int64_t from_sequence,
                      answer<persistence::webhook_record> cb)
    = 0;
};

} // namespace actodo::actors
