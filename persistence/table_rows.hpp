#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "persistence/store_uri.hpp"

namespace actodo::persistence {

/// One table as `actodo store copy` moves it: its columns (the key first)
/// and which of them are integers or binary; every value travels as text
/// (a binary value as `x` and its bytes in lower-case hex, NULL as "").
struct table_spec {
  const char* name;
  std::vector<const char*> columns;
  /// How many leading columns form the primary key (rows go in its order).
  size_t key_size;
  /// Integer columns, by index into `columns`.
  std::vector<size_t> integers;
  /// The column a PostgreSQL `bigserial` numbers (null: none): after a
  /// copy its sequence continues after the copied ids.
  const char* serial = nullptr;
  /// Binary columns that may be NULL (never in the key), by index. In
  /// SQLite their table must have a rowid (see `write_blob`).
  std::vector<size_t> binaries = {};

  bool integer(size_t column) const;
  bool binary(size_t column) const;
};

/// Every table whose content a copy moves, parents first: accounts, the
/// event log, todos with their due times, request outcomes, the Kafka
/// position, webhooks with their deliveries (ids kept), import jobs with
/// their payloads and errors, the imported UIDs, calendar feeds. (The
/// outbox is not copied: its entries name events the source node has yet
/// to publish; copy a stopped node with an empty backlog.)
const std::vector<table_spec>& copied_tables();

using table_row = std::vector<std::string>;

/// Raw rows of a store's tables, in primary key order (for `store copy`).
/// Blocking; one owner.
class table_rows {
 public:
  virtual ~table_rows() = default;

  /// Up to `limit` rows whose key comes after `after` (empty: from the
  /// start).
  virtual caf::expected<std::vector<table_row>>
  read(const table_spec& table, const table_row& after, int64_t limit) = 0;

  /// Inserts `rows` in one transaction.
  virtual caf::error
  write(const table_spec& table, const std::vector<table_row>& rows)
    = 0;

  virtual caf::expected<int64_t> count(const table_spec& table) = 0;

  /// Each user's last event sequence.
  virtual caf::expected<std::map<std::string, int64_t>> last_seqs() = 0;
};

/// Opens the tables of the store at `uri` (created or migrated like the
/// server does). SQLite takes the same lock a server takes: a copy never
/// runs beside a server on the same file.
caf::expected<std::unique_ptr<table_rows>>
open_table_rows(const store_uri& uri);

} // namespace actodo::persistence
