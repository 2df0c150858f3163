#include "persistence/binary_values.hpp"

#include <climits>

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/sqlite_statement.hpp"

namespace actodo::persistence {

caf::error write_blob(sqlite3* db, const char* table, const char* column,
                      int64_t rowid, std::string_view bytes) {
  if (bytes.empty())
    return caf::none;
  auto what = std::string{table} + "." + column;
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return sqlite_failure("cannot write " + what + ": 2 GiB or more");
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db, "main", table, column, rowid, 1, &blob)
      != SQLITE_OK) {
    auto err = sqlite_failure("cannot open " + what + ": "
                              + sqlite3_errmsg(db));
    sqlite3_blob_close(blob); // Null on failure; harmless.
    return err;
  }
  auto rc = sqlite3_blob_write(blob, bytes.data(),
                               static_cast<int>(bytes.size()), 0);
  std::string msg = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
  if (sqlite3_blob_close(blob) != SQLITE_OK && msg.empty())
    msg = sqlite3_errmsg(db);
  if (!msg.empty())
    return sqlite_failure("cannot write " + what + ": " + msg);
  return caf::none;
}

std::string encode_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  result.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    result += digits[c >> 4];
    result += digits[c & 0x0f];
  }
  return result;
}

caf::expected<std::string> decode_hex(std::string_view text) {
  auto value = [](char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0)
    return caf::make_error(ec::invalid_record, "odd number of hex digits");
  std::string result;
  result.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    auto hi = value(text[i]);
    auto lo = value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return caf::make_error(ec::invalid_record,
                             "not a hex digit at " + std::to_string(i));
    result += static_cast<char>(hi * 16 + lo);
  }
  return result;
}

} // namespace actodo::persistence
