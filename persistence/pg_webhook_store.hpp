#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/pg_connection.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::persistence {

/// Webhooks and their deliveries in the PostgreSQL store, on a connection
/// of their own (owned by the `webhooks` actor); the schema is migrated by
/// whichever store opens first.
class pg_webhook_store : public webhook_store {
 public:
  static caf::expected<std::unique_ptr<pg_webhook_store>>
  open(const std::string& conninfo);

  caf::expected<int64_t> create_webhook(const webhook_record& hook,
                                        int64_t max_per_user) override;
  caf::expected<std::vector<webhook_record>>
  list_webhooks(const std::string& user_id) override;
  caf::expected<std::vector<webhook_record>> enabled_webhooks() override;
  caf::expected<std::optional<webhook_record>>
  find_webhook(const std::string& user_id, const std::string& id) override;
  caf::error update_webhook(const webhook_record& hook) override;
  caf::error delete_webhook(const std::string& user_id,
                            const std::string& id) override;
  caf::error set_cursor(const std::string& id, int64_t cursor,
                        int64_t updated_ms) override;
  caf::error add_delivery(const delivery_record& x, int64_t keep) override;

  caf::error record_progress(const std::vector<delivery_record>& xs,
                             const std::vector<cursor_update>& cursors,
                             int64_t keep) override;
  caf::expected<std::vector<delivery_record>>
  deliveries(const std::string& webhook_id, int64_t limit) override;
  caf::expected<std::vector<webhook_record>>
  owed_notices(int64_t disabled_before_ms, int64_t limit) override;
  caf::error notice_given(const std::string& id, int64_t owed) override;

 private:
  explicit pg_webhook_store(pg_connection db) : db_(std::move(db)) {}

  /// The webhooks a prepared statement that selects every column finds.
  caf::expected<std::vector<webhook_record>> read_hooks(const char* statement,
                                                        const pg_params& args);

  pg_connection db_;
};

} // namespace actodo::persistence
