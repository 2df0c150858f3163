#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "caf/error.hpp"
#include "caf/expected.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace actodo::persistence {

/// The project's error for a failed SQLite operation (`ec::store_failure`).
caf::error sqlite_failure(std::string what);

/// A prepared SQLite statement, reset after each use. Binding is positional
/// (1-based) and fluent; `step()` returns true while rows are available.
class sqlite_statement {
 public:
  sqlite_statement(sqlite3* db, std::string_view sql);
  ~sqlite_statement();
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  sqlite_statement& bind(int index, std::string_view value);
  sqlite_statement& bind(int index, int64_t value);

  /// Executes one step; true when a row is ready. Throws nothing: errors are
  /// reported via `ok()` and `error()`.
  bool step();

  /// Resets the statement and clears its bindings for the next use.
  void reset();

  /// Runs a statement without rows (INSERT, UPDATE, DELETE) and resets it.
  caf::error run();

  /// Runs a statement whose answer is one integer (0 without a row) and
  /// resets it.
  caf::expected<int64_t> run_int();

  /// The current error as `ec::store_failure`; resets the statement.
  caf::error fail();

  bool ok() const noexcept {
    return error_.empty();
  }

  const std::string& error() const noexcept {
    return error_;
  }

  int64_t column_int(int index) const;
  std::string column_text(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string error_;
};

} // namespace actodo::persistence
