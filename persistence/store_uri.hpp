#pragma once

#include <string>

#include "caf/expected.hpp"

namespace actodo::persistence {

/// Where the node keeps its data (`--store`): an SQLite file or a
/// PostgreSQL database.
struct store_uri {
  enum class backend { sqlite, postgresql };
  backend kind = backend::sqlite;
  /// The SQLite database file.
  std::string path;
  /// What libpq connects with: the URI as given, password included.
  std::string conninfo;
  /// For logs and the start line: never a password.
  std::string display;
};

/// Parses `--store`: `sqlite:PATH` or `postgresql://user@host:port/db` (also
/// `postgres://`); empty means `sqlite:<data_dir>/actodo.db`. Fails with
/// `ec::invalid_field` naming `store`, without echoing a password.
caf::expected<store_uri> parse_store_uri(const std::string& text,
                                         const std::string& data_dir);

} // namespace actodo::persistence
