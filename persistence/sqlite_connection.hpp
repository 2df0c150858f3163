#pragma once

#include <memory>
#include <string>

#include "caf/error.hpp"
#include "caf/expected.hpp"

struct sqlite3;

namespace actodo::persistence {

/// Closes a connection (`sqlite3_close_v2`: statements still open keep it
/// alive until they are finalized).
struct close_connection {
  void operator()(sqlite3* db) const noexcept;
};

/// An open SQLite connection; one owner uses it at a time (the connections
/// are opened without SQLite's own mutex).
using connection = std::unique_ptr<sqlite3, close_connection>;

/// The path of the node's default database, `<data_dir>/actodo.db`.
std::string database_path(const std::string& data_dir);

/// Opens the database file at `path` for writing (created when missing,
/// private to the owner; WAL, 5 s busy timeout) and runs `setup_sql`
/// (pragmas), through the VFS named `vfs` (null: SQLite's default).
caf::expected<connection> open_database(const std::string& path,
                                        const std::string& setup_sql,
                                        const char* vfs = nullptr);

/// Opens the same database read-only (5 s busy timeout), for reads that
/// never take the write lock. The database must exist and be in WAL mode.
caf::expected<connection> open_read_only(const std::string& path);

/// `PRAGMA synchronous=…;` for a `--sync` value (`normal`, else `full`).
std::string synchronous_pragma(const std::string& sync);

/// Runs one or more SQL statements without results (`sqlite3_exec`).
caf::error execute(sqlite3* db, const std::string& sql);

} // namespace actodo::persistence
