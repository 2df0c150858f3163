#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/feed_store.hpp"
#include "persistence/pg_connection.hpp"

namespace actodo::persistence {

/// Calendar feeds in the PostgreSQL store, on a connection of their own
/// (owned by the `feeds` actor); the schema is migrated by whichever store
/// opens first.
class pg_feed_store : public feed_store {
 public:
  static caf::expected<std::unique_ptr<pg_feed_store>>
  open(const std::string& conninfo);

  caf::error create_feed(const feed_record& feed,
                         int64_t max_per_user) override;
  caf::expected<std::vector<feed_record>>
  list_feeds(const std::string& user_id) override;
  caf::error delete_feed(const std::string& user_id,
                         const std::string& id) override;
  caf::expected<std::optional<feed_record>>
  find_feed(const std::string& token_hash) override;

 private:
  explicit pg_feed_store(pg_connection db) : db_(std::move(db)) {}

  /// The feeds a prepared statement that selects every column finds.
  caf::expected<std::vector<feed_record>> read_feeds(const char* statement,
                                                     const pg_params& args);

  pg_connection db_;
};

} // namespace actodo::persistence
