#include "persistence/migrations.hpp"

#include <chrono>
#include <string>

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

namespace {

/// Whether the probe's table (or column) exists.
caf::expected<bool> present(sqlite3* db, const schema_probe& probe) {
  sqlite_statement stmt{db, "SELECT count(*) FROM pragma_table_info(?1) "
                            "WHERE ?2 = '' OR name = ?2"};
  auto n = stmt.bind(1, probe.table).bind(2, probe.column).run_int();
  if (!n)
    return std::move(n.error());
  return *n > 0;
}

caf::error step_failed(const migration& step, const caf::error& err) {
  return sqlite_failure("schema migration " + std::to_string(step.version)
                        + " (" + step.what + ") failed: " + describe(err));
}

/// Records `step` (and, when it created the history, every step before it,
/// at time 0: "before the history") in `schema_version`.
caf::error record(sqlite3* db, const std::vector<migration>& steps,
                  const migration& step) {
  auto history = present(db, {"schema_version"});
  if (!history)
    return std::move(history.error());
  if (!*history)
    return caf::none;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  sqlite_statement insert{db,
                          "INSERT OR IGNORE INTO schema_version "
                          "(version, what, applied_ms) VALUES (?1, ?2, ?3)"};
  for (auto& s : steps) {
    if (s.version > step.version)
      break;
    insert.bind(1, s.version).bind(2, s.what);
    insert.bind(3, s.version == step.version ? int64_t{now} : int64_t{0});
    if (auto err = insert.run())
      return err;
  }
  return caf::none;
}

/// Takes one step in a transaction of its own.
caf::error apply(sqlite3* db, const std::vector<migration>& steps,
                 const migration& step, bool unversioned) {
  auto txn = sqlite_transaction::begin(db);
  if (!txn)
    return step_failed(step, txn.error());
  // Another connection may have taken the step since `migrate` looked.
  auto now = schema_version(db);
  if (!now)
    return step_failed(step, now.error());
  if (*now >= step.version)
    return caf::none;
  auto done = caf::expected<bool>{false};
  if (unversioned && step.legacy.table != nullptr)
    done = present(db, step.legacy);
  if (!done)
    return step_failed(step, done.error());
  if (!*done)
    if (auto err = execute(db, step.sql))
      return step_failed(step, err);
  if (auto err = record(db, steps, step))
    return step_failed(step, err);
  auto version = "PRAGMA user_version = " + std::to_string(step.version);
  if (auto err = execute(db, version))
    return step_failed(step, err);
  if (auto err = txn->commit())
    return step_failed(step, err);
  return caf::none;
}

caf::error too_new(sqlite3* db, int64_t version, int64_t known) {
  return sqlite_failure(std::string{sqlite3_db_filename(db, "main")}
                        + " has schema version " + std::to_string(version)
                        + " but this actodo knows versions up to "
                        + std::to_string(known)
                        + ": it was written by a newer actodo; run that one "
                          "(or restore a backup)");
}

} // namespace

caf::expected<int64_t> schema_version(sqlite3* db) {
  sqlite_statement stmt{db, "PRAGMA user_version"};
  return stmt.run_int();
}

caf::error migrate(sqlite3* db, const std::vector<migration>& steps) {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].version != static_cast<int64_t>(i + 1))
      return sqlite_failure("schema migrations are not numbered 1, 2, ...");
  auto current = schema_version(db);
  if (!current)
    return std::move(current.error());
  auto latest = static_cast<int64_t>(steps.size());
  if (*current > latest)
    return too_new(db, *current, latest);
  for (auto& step : steps)
    if (step.version > *current)
      if (auto err = apply(db, steps, step, *current == 0))
        return err;
  return caf::none;
}

} // namespace actodo::persistence
