#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "persistence/sqlite_connection.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::persistence {

/// Webhooks and their deliveries in the node's SQLite database, on a
/// connection of their own (owned by the `webhooks` actor).
class sqlite_webhook_store : public webhook_store {
 public:
  /// Opens (and creates or migrates) the database at `path`.
  static caf::expected<std::unique_ptr<sqlite_webhook_store>>
  open(const std::string& path);

  ~sqlite_webhook_store() override;

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
  struct statements;
  explicit sqlite_webhook_store(connection db);

  connection db_;
  std::unique_ptr<statements> stmts_;
};

/// A webhook's event patterns as stored in `webhooks.events` on both
/// backends: a JSON array of strings.
std::string encode_webhook_events(const std::vector<std::string>& events);

/// The patterns of `webhooks.events`; `ec::invalid_record` when the text is
/// not a JSON array of strings.
caf::expected<std::vector<std::string>>
decode_webhook_events(const std::string& text);

} // namespace actodo::persistence
