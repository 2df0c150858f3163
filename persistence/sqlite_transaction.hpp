#pragma once

#include "caf/error.hpp"
#include "caf/expected.hpp"

struct sqlite3;

namespace actodo::persistence {

/// The one way this module writes a transaction: `BEGIN IMMEDIATE` (takes
/// the write lock up front, so a busy database fails here and not half-way),
/// `commit()`, and `ROLLBACK` when the object goes away uncommitted (an
/// early return on an error, a failed `COMMIT`).
class sqlite_transaction {
 public:
  /// Begins a transaction on `db`, which must not be in one.
  static caf::expected<sqlite_transaction> begin(sqlite3* db);

  sqlite_transaction(sqlite_transaction&& other) noexcept;
  sqlite_transaction& operator=(sqlite_transaction&&) = delete;
  sqlite_transaction(const sqlite_transaction&) = delete;
  sqlite_transaction& operator=(const sqlite_transaction&) = delete;

  /// Rolls back unless committed.
  ~sqlite_transaction();

  /// Commits; on failure the transaction is rolled back (now or, when
  /// SQLite kept it open, by the destructor).
  caf::error commit();

 private:
  explicit sqlite_transaction(sqlite3* db) noexcept : db_(db) {}

  /// Null once committed or moved from.
  sqlite3* db_;
};

} // namespace actodo::persistence
