#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "persistence/feed_store.hpp"
#include "persistence/sqlite_connection.hpp"

namespace actodo::persistence {

/// Calendar feeds in the node's SQLite database, on a connection of their
/// own (owned by the `feeds` actor).
class sqlite_feed_store : public feed_store {
 public:
  /// Opens (and creates or migrates) the database at `path`.
  static caf::expected<std::unique_ptr<sqlite_feed_store>>
  open(const std::string& path);

  ~sqlite_feed_store() override;

  caf::error create_feed(const feed_record& feed,
                         int64_t max_per_user) override;
  caf::expected<std::vector<feed_record>>
  list_feeds(const std::string& user_id) override;
  caf::error delete_feed(const std::string& user_id,
                         const std::string& id) override;
  caf::expected<std::optional<feed_record>>
  find_feed(const std::string& token_hash) override;

 private:
  struct statements;
  explicit sqlite_feed_store(connection db);

  connection db_;
  std::unique_ptr<statements> stmts_;
};

} // namespace actodo::persistence
