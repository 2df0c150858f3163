#include "persistence/store_uri.hpp"

#include "config/error.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/sqlite_connection.hpp"

namespace actodo::persistence {

namespace {

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

} // namespace

caf::expected<store_uri> parse_store_uri(const std::string& text,
                                         const std::string& data_dir) {
  store_uri result;
  if (text.empty() || starts_with(text, "sqlite:")) {
    result.path = text.empty() ? database_path(data_dir) : text.substr(7);
    if (result.path.empty())
      return make_field_error(
        ec::invalid_field, "store",
        "invalid option --store: sqlite: needs a file path "
        "(sqlite:PATH)");
    result.display = "sqlite:" + result.path;
    return result;
  }
  if (starts_with(text, "postgresql://") || starts_with(text, "postgres://")) {
    result.kind = store_uri::backend::postgresql;
    result.conninfo = text;
    result.display = describe_pg_uri(text);
    if (result.display.empty())
      return make_field_error(ec::invalid_field, "store",
                              "invalid option --store: not a valid "
                              "PostgreSQL connection URI "
                              "(postgresql://user@host:port/db)");
    return result;
  }
  return make_field_error(ec::invalid_field, "store",
                          "invalid option --store: must be sqlite:PATH or "
                          "postgresql://user@host:port/db");
}

} // namespace actodo::persistence
