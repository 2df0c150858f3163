#pragma once

// Binary column values (job payloads) in both stores: SQLite writes them
// through its blob API, PostgreSQL and `actodo store copy` carry them as
// hex text.

#include <cstdint>
#include <string>
#include <string_view>

#include "caf/error.hpp"
#include "caf/expected.hpp"

struct sqlite3;

namespace actodo::persistence {

/// Fills the `zeroblob` of `column` in row `rowid` of a rowid table with
/// `bytes` (of the blob's size). SQLite keeps bound text with a NUL byte
/// only by accident (`sqlite_statement` binds text), so binary values are
/// inserted as a `zeroblob(size)` and written through the blob API.
caf::error write_blob(sqlite3* db, const char* table, const char* column,
                      int64_t rowid, std::string_view bytes);

/// Bytes as lower-case hex: how job payloads travel as text (PostgreSQL's
/// `decode(.., 'hex')`, `actodo store copy`).
std::string encode_hex(std::string_view bytes);

/// The bytes of `encode_hex`'s text; `ec::invalid_record` when it is not
/// an even number of hex digits.
caf::expected<std::string> decode_hex(std::string_view text);

} // namespace actodo::persistence
