#pragma once

#include <cstdint>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

struct sqlite3;

namespace actodo::persistence {

/// A table, or a column of a table, whose presence shows that a step ran
/// before databases recorded their version.
struct schema_probe {
  /// Null: the step is newer than versioning and has no probe.
  const char* table = nullptr;
  /// Empty: the table itself.
  const char* column = "";
};

/// One numbered step of a database's schema.
struct migration {
  /// 1 for the first step, each next step one more.
  int64_t version;
  /// What the step adds (for errors and the README).
  const char* what;
  /// Statements run in the step's transaction.
  const char* sql;
  /// For unversioned databases (made before versions were recorded): when
  /// the probe finds its table or column, the step is taken as applied.
  schema_probe legacy;
};

/// The steps of `actodo.db` (both stores' tables), oldest first.
const std::vector<migration>& actodo_migrations();

/// The version a database records (`PRAGMA user_version`; 0 when none).
caf::expected<int64_t> schema_version(sqlite3* db);

/// Applies every step of `steps` above the database's version, each in its
/// own transaction that also records the step's version. A database with a
/// version above the last step (written by a newer binary) is refused with
/// `ec::store_failure` and left untouched.
caf::error migrate(sqlite3* db, const std::vector<migration>& steps);

} // namespace actodo::persistence
