#include "persistence/open_store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>

#include "config/error.hpp"
#include "persistence/pg_account_store.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/sqlite_account_store.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_store.hpp"

namespace actodo::persistence {

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
    return result;
  }
  // The default database lies in the data directory, which is locked.
  if (uri.path != database_path(opts.data_dir)) {
    auto dir = std::filesystem::path{uri.path}.parent_path().string();
    if (!dir.empty() && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return caf::make_error(ec::store_failure, "cannot create directory " + dir
                                                  + ": "
                                                  + std::strerror(errno));
    auto own = file_lock::acquire(uri.path + ".lock");
    if (!own)
      return std::move(own.error());
    result.locks.push_back(std::move(*own));
  }
  auto events = sqlite_store::open(uri.path, opts.sync, opts.with_outbox,
                                   opts.sqlite_cache_mib);
  if (!events)
    return std::move(events.error());
  result.events = std::move(*events);
  auto accounts = sqlite_account_store::open(uri.path);
  if (!accounts)
    return std::move(accounts.error());
  result.accounts = std::move(*accounts);
  return result;
}

} // namespace actodo::persistence
