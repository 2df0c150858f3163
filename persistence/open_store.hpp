#pragma once

#include <memory>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "persistence/account_store.hpp"
#include "persistence/feed_store.hpp"
#include "persistence/file_lock.hpp"
#include "persistence/job_store.hpp"
#include "persistence/store.hpp"
#include "persistence/store_uri.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::persistence {

/// How the node's stores open.
struct store_options {
  /// The node's private directory (secrets, console socket): always locked.
  std::string data_dir;
  /// SQLite `synchronous`: `full` or `normal`.
  std::string sync = "full";
  /// Record committed events in the outbox (Kafka egress).
  bool with_outbox = false;
  /// The SQLite journal connection's page cache.
  int64_t sqlite_cache_mib = 2;
  /// Todo rows that may wait in `todo_log` (`sqlite_store::open`).
  size_t sqlite_deferred_rows = 65536;
};

/// A node's open stores, and the locks that keep a second process off
/// them.
struct opened_stores {
  std::vector<file_lock> locks;
  std::unique_ptr<store> events;
  std::unique_ptr<account_store> accounts;
  std::unique_ptr<webhook_store> webhooks;
  std::unique_ptr<job_store> jobs;
  std::unique_ptr<feed_store> feeds;
};

/// The lock file of an SQLite store: `<dir>/actodo.lock` for the default
/// file name (the data directory's lock), `<path>.lock` otherwise.
std::string sqlite_lock_path(const std::string& db_path);

/// Locks the data directory (`<data_dir>/actodo.lock`; for an SQLite file
/// elsewhere also `<file>.lock`) and opens the event store, the account
/// store, the webhook store, the job store and the feed store at `uri`.
/// Fails with `ec::conflict` naming the holder's PID when another process
/// holds a lock.
caf::expected<opened_stores> open_stores(const store_uri& uri,
                                         const store_options& opts);

} // namespace actodo::persistence
