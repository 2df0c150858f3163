#pragma once

#include <cstdint>
#include <vector>

#include "caf/error.hpp"

#include "persistence/migrations.hpp"

namespace actodo::persistence {

class pg_connection;

/// The steps of the PostgreSQL schema (all of the store's and the
/// accounts' tables), oldest first. Independent of the SQLite steps: the
/// PostgreSQL schema starts at what SQLite reached in seven.
const std::vector<migration>& pg_migrations();

/// Brings the database to the last step: every missing step and its row
/// in `schema_version` in one transaction, under an advisory lock (several
/// nodes may start at once). A database with a version above the last step
/// (written by a newer actodo) is refused with a clear error, untouched.
caf::error pg_migrate(pg_connection& db);

} // namespace actodo::persistence
