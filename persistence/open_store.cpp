#include "persistence/open_store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>

#include "config/error.hpp"
#include "persistence/pg_account_store.hpp"
#include "persistence/pg_feed_store.hpp"
#include "persistence/pg_job_store.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/pg_webhook_store.hpp"
#include "persistence/sqlite_account_store.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_feed_store.hpp"
#include "persistence/sqlite_job_store.hpp"
#include "persistence/sqlite_store.hpp"
#include "persistence/sqlite_webhook_store.hpp"

namespace actodo::persistence {

namespace {

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  auto x = std::filesystem::weakly_canonical(a, ec);
  auto y = std::filesystem::weakly_canonical(b, ec);
  return x == y;
}

} // namespace

std::string sqlite_lock_path(const std::string& db_path) {
  std::filesystem::path path{db_path};
  if (path.filename() == "actodo.db")
    return (path.parent_path() / "actodo.lock").string();
  return db_path + ".lock";
}

caf::expected<opened_stores> open_stores(const store_uri& uri,
                                         const store_options& opts) {
  opened_stores result;
  if (::mkdir(opts.data_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return caf::make_error(ec::store_failure, "cannot create data directory "
                                                + opts.data_dir + ": "
                                                + std::strerror(errno));
  auto lock = file_lock::acquire(opts.data_dir + "/actodo.lock");
  if (!lock)
    return std::move(lock.error());
  result.locks.push_back(std::move(*lock));
  if (uri.kind == store_uri::backend::postgresql) {
    auto events = pg_store::open(uri.conninfo, opts.with_outbox);
    if (!events)
      return std::move(events.error());
    result.events = std::move(*events);
    auto accounts = pg_account_store::open(uri.conninfo);
    if (!accounts)
      return std::move(accounts.error());
    result.accounts = std::move(*accounts);
    auto webhooks = pg_webhook_store::open(uri.conninfo);
    if (!webhooks)
      return std::move(webhooks.error());
    result.webhooks = std::move(*webhooks);
    auto jobs = pg_job_store::open(uri.conninfo);
    if (!jobs)
      return std::move(jobs.error());
    result.jobs = std::move(*jobs);
    auto feeds = pg_feed_store::open(uri.conninfo);
    if (!feeds)
      return std::move(feeds.error());
    result.feeds = std::move(*feeds);
    return result;
  }
  // A database in the data directory is covered by its lock (a second
  // flock on the same file from this process would refuse itself).
  auto own_lock = sqlite_lock_path(uri.path);
  if (!same_file(own_lock, opts.data_dir + "/actodo.lock")) {
    auto dir = std::filesystem::path{uri.path}.parent_path().string();
    if (!dir.empty() && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return caf::make_error(ec::store_failure, "cannot create directory " + dir
                                                  + ": "
                                                  + std::strerror(errno));
    auto own = file_lock::acquire(own_lock);
    if (!own)
      return std::move(own.error());
    result.locks.push_back(std::move(*own));
  }
  auto events = sqlite_store::open(uri.path, opts.sync, opts.with_outbox,
                                   opts.sqlite_cache_mib,
                                   opts.sqlite_deferred_rows);
  if (!events)
    return std::move(events.error());
  result.events = std::move(*events);
  auto accounts = sqlite_account_store::open(uri.path);
  if (!accounts)
    return std::move(accounts.error());
  result.accounts = std::move(*accounts);
  auto webhooks = sqlite_webhook_store::open(uri.path);
  if (!webhooks)
    return std::move(webhooks.error());
  result.webhooks = std::move(*webhooks);
  auto jobs = sqlite_job_store::open(uri.path);
  if (!jobs)
    return std::move(jobs.error());
  result.jobs = std::move(*jobs);
  auto feeds = sqlite_feed_store::open(uri.path);
  if (!feeds)
    return std::move(feeds.error());
  result.feeds = std::move(*feeds);
  return result;
}

} // namespace actodo::persistence
