#include "persistence/sqlite_transaction.hpp"

#include <sqlite3.h>

#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"

namespace actodo::persistence {

caf::expected<sqlite_transaction> sqlite_transaction::begin(sqlite3* db) {
  if (auto err = execute(db, "BEGIN IMMEDIATE"))
    return err;
  return sqlite_transaction{db};
}

sqlite_transaction::sqlite_transaction(sqlite_transaction&& other) noexcept
  : db_(other.db_) {
  other.db_ = nullptr;
}

sqlite_transaction::~sqlite_transaction() {
  // A failed statement or COMMIT may have ended the transaction already. A
  // failed ROLLBACK leaves the transaction open: the next `begin` on this
  // connection reports it.
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0)
    static_cast<void>(execute(db_, "ROLLBACK"));
}

caf::error sqlite_transaction::commit() {
  if (db_ == nullptr)
    return sqlite_failure("commit without a transaction");
  auto err = execute(db_, "COMMIT");
  if (!err)
    db_ = nullptr;
  return err;
}

} // namespace actodo::persistence
