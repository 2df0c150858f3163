// Raw table access for `actodo store copy`, on both backends: keyset pages
// in primary key order, inserts in one transaction per page.

#include "persistence/table_rows.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/binary_values.hpp"
#include "persistence/file_lock.hpp"
#include "persistence/open_store.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/pg_schema.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_store.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

bool table_spec::integer(size_t column) const {
  return std::find(integers.begin(), integers.end(), column) != integers.end();
}

bool table_spec::binary(size_t column) const {
  return std::find(binaries.begin(), binaries.end(), column) != binaries.end();
}

const std::vector<table_spec>& copied_tables() {
  static const std::vector<table_spec> tables{
    {"users", {"id", "username", "password_hash", "created_ms"}, 1, {3}},
    {"refresh_tokens",
     {"token_hash", "user_id", "expires_ms", "family", "used_ms"},
     1,
     {2, 4}},
    {"events",
     {"user_id", "seq", "type", "todo_id", "json", "time_ms"},
     2,
     {1, 5}},
    {"todos", {"user_id", "id", "json", "wake_at"}, 2, {3}},
    {"requests",
     {"user_id", "request_id", "state", "status", "body", "idempotency_key",
      "fingerprint", "created_ms", "body_seq"},
     2,
     {3, 7, 8}},
    {"kafka_position", {"name", "published"}, 1, {1}},
    {"webhooks",
     {"id", "user_id", "url", "events", "description", "secret", "enabled",
      "disabled_reason", "cursor", "created_ms", "updated_ms", "notice_owed"},
     1,
     {6, 8, 9, 10, 11}},
    {"webhook_deliveries",
     {"id", "webhook_id", "sequence", "attempt", "status", "latency_ms",
      "error", "response", "at_ms"},
     1,
     {0, 2, 3, 4, 5, 8},
     "id"},
    {"jobs",
     {"id", "user_id", "node", "format", "state", "total", "done", "failed",
      "detail", "created_ms", "updated_ms", "lease_until_ms", "idempotency_key",
      "fingerprint", "payload", "notify"},
     1,
     {5, 6, 7, 9, 10, 11, 15},
     nullptr,
     {14}},
    {"job_errors", {"job_id", "idx", "field", "detail"}, 2, {1}},
    {"import_uids", {"user_id", "uid", "todo_id"}, 2, {}},
    {"feeds",
     {"id", "user_id", "token_hash", "description", "created_ms"},
     1,
     {4}},
  };
  return tables;
}

namespace {

/// `a, b, c` of the first `n` columns (all when n is 0).
std::string column_list(const table_spec& t, size_t n = 0) {
  std::string result;
  auto end = n == 0 ? t.columns.size() : n;
  for (size_t i = 0; i < end; ++i)
    result += (i > 0 ? ", " : "") + std::string{t.columns[i]};
  return result;
}

/// The columns as a page reads them: a binary one as `x` + hex, NULL as
/// "" (`table_spec`).
std::string select_list(const table_spec& t, bool pg) {
  std::string result;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    std::string c = t.columns[i];
    result += i > 0 ? ", " : "";
    if (!t.binary(i))
      result += c;
    else if (pg)
      result += "coalesce('x' || encode(" + c + ", 'hex'), '')";
    else
      result += "CASE WHEN " + c + " IS NULL THEN '' ELSE 'x' || lower(hex(" + c
                + ")) END";
  }
  return result;
}

/// `?1, ?2` (SQLite) or `$1::bigint, $2::text` (PostgreSQL) for columns
/// [0, n). A binary column takes the `x` + hex text (PostgreSQL) or the
/// size of its value, unbound for NULL (SQLite: a zeroblob that
/// `write_blob` fills).
std::string placeholders(const table_spec& t, size_t n, bool pg) {
  std::string result;
  for (size_t i = 0; i < n; ++i) {
    result += i > 0 ? ", " : "";
    auto p = (pg ? "$" : "?") + std::to_string(i + 1);
    if (t.binary(i) && pg)
      result += "CASE WHEN " + p + "::text = '' THEN NULL ELSE decode(substr("
                + p + "::text, 2), 'hex') END";
    else if (t.binary(i))
      result += "CASE WHEN " + p + " IS NULL THEN NULL ELSE zeroblob(" + p
                + ") END";
    else if (pg)
      result += p + (t.integer(i) ? "::bigint" : "::text");
    else
      result += p;
  }
  return result;
}

std::string page_sql(const table_spec& t, bool first, bool pg) {
  auto key = column_list(t, t.key_size);
  auto limit = (pg ? "$" : "?") + std::to_string(first ? 1 : t.key_size + 1);
  return "SELECT " + select_list(t, pg) + " FROM " + t.name
         + (first ? std::string{}
                  : " WHERE (" + key + ") > (" + placeholders(t, t.key_size, pg)
                      + ")")
         + " ORDER BY " + key + " LIMIT " + limit;
}

std::string insert_sql(const table_spec& t, bool pg) {
  return "INSERT INTO " + std::string{t.name} + " (" + column_list(t)
         + ") VALUES (" + placeholders(t, t.columns.size(), pg) + ")";
}

/// PostgreSQL: moves the sequence of `t.serial` to the largest copied id,
/// so that the next row the server numbers does not collide with one.
std::string serial_sql(const table_spec& t) {
  auto table = std::string{t.name};
  auto column = std::string{t.serial};
  return "SELECT setval(pg_get_serial_sequence('" + table + "', '" + column
         + "'), (SELECT max(" + column + ") FROM " + table + "))";
}

constexpr const char* last_seqs_sql = "SELECT user_id, max(seq) FROM events "
                                      "GROUP BY user_id";

class sqlite_rows : public table_rows {
 public:
  sqlite_rows(file_lock lock, connection db)
    : lock_(std::move(lock)), db_(std::move(db)) {}

  caf::expected<std::vector<table_row>>
  read(const table_spec& t, const table_row& after, int64_t limit) override {
    sqlite_statement stmt{db_.get(), page_sql(t, after.empty(), false)};
    int index = 1;
    for (size_t i = 0; i < after.size(); ++i, ++index)
      bind(stmt, t, i, index, after[i]);
    stmt.bind(index, limit);
    std::vector<table_row> result;
    while (stmt.step()) {
      table_row row;
      for (size_t i = 0; i < t.columns.size(); ++i)
        row.push_back(stmt.column_text(static_cast<int>(i)));
      result.push_back(std::move(row));
    }
    if (!stmt.ok())
      return stmt.fail();
    return result;
  }

  caf::error write(const table_spec& t,
                   const std::vector<table_row>& rows) override {
    auto txn = sqlite_transaction::begin(db_.get());
    if (!txn)
      return std::move(txn.error());
    sqlite_statement stmt{db_.get(), insert_sql(t, false)};
    for (auto& row : rows) {
      std::vector<std::pair<size_t, std::string>> blobs;
      for (size_t i = 0; i < row.size(); ++i) {
        if (!t.binary(i)) {
          bind(stmt, t, i, static_cast<int>(i + 1), row[i]);
          continue;
        }
        if (row[i].empty())
          continue; // NULL: left unbound.
        auto bytes = decode_hex(std::string_view{row[i]}.substr(1));
        if (!bytes || row[i][0] != 'x') {
          stmt.reset();
          return caf::make_error(ec::invalid_record,
                                 std::string{"not a binary value in "} + t.name
                                   + "." + t.columns[i]);
        }
        stmt.bind(static_cast<int>(i + 1), static_cast<int64_t>(bytes->size()));
        blobs.emplace_back(i, std::move(*bytes));
      }
      if (auto err = stmt.run())
        return err;
      for (auto& [i, bytes] : blobs)
        if (auto err = write_blob(db_.get(), t.name, t.columns[i],
                                  sqlite3_last_insert_rowid(db_.get()), bytes))
          return err;
    }
    return txn->commit();
  }

  caf::expected<int64_t> count(const table_spec& t) override {
    sqlite_statement stmt{db_.get(),
                          "SELECT count(*) FROM " + std::string{t.name}};
    return stmt.run_int();
  }

  caf::expected<std::map<std::string, int64_t>> last_seqs() override {
    sqlite_statement stmt{db_.get(), last_seqs_sql};
    std::map<std::string, int64_t> result;
    while (stmt.step())
      result.emplace(stmt.column_text(0), stmt.column_int(1));
    if (!stmt.ok())
      return stmt.fail();
    return result;
  }

 private:
  static void bind(sqlite_statement& stmt, const table_spec& t, size_t column,
                   int index, const std::string& value) {
    if (t.integer(column))
      stmt.bind(index, static_cast<int64_t>(std::stoll(value)));
    else
      stmt.bind(index, value);
  }

  file_lock lock_;
  connection db_;
};

class pg_rows_impl : public table_rows {
 public:
  explicit pg_rows_impl(pg_connection db) : db_(std::move(db)) {}

  caf::expected<std::vector<table_row>>
  read(const table_spec& t, const table_row& after, int64_t limit) override {
    auto name = std::string{"read_"} + t.name + (after.empty() ? "0" : "1");
    pg_params params = after;
    params.push_back(std::to_string(limit));
    auto rows = db_.query(name.c_str(), params);
    if (!rows)
      return std::move(rows.error());
    std::vector<table_row> result;
    for (int r = 0; r < rows->size(); ++r) {
      table_row row;
      for (size_t i = 0; i < t.columns.size(); ++i)
        row.push_back(rows->text(r, static_cast<int>(i)));
      result.push_back(std::move(row));
    }
    return result;
  }

  caf::error write(const table_spec& t,
                   const std::vector<table_row>& rows) override {
    auto name = std::string{"insert_"} + t.name;
    std::vector<pg_call> calls;
    calls.reserve(rows.size());
    for (auto& row : rows)
      calls.push_back({names_.emplace(name).first->c_str(), row});
    if (t.serial != nullptr)
      calls.push_back(
        {names_.emplace(std::string{"serial_"} + t.name).first->c_str(), {}});
    return db_.transaction(calls);
  }

  caf::expected<int64_t> count(const table_spec& t) override {
    auto rows = db_.select("SELECT count(*) FROM " + std::string{t.name});
    if (!rows)
      return std::move(rows.error());
    return rows->integer(0, 0);
  }

  caf::expected<std::map<std::string, int64_t>> last_seqs() override {
    auto rows = db_.select(last_seqs_sql);
    if (!rows)
      return std::move(rows.error());
    std::map<std::string, int64_t> result;
    for (int r = 0; r < rows->size(); ++r)
      result.emplace(rows->text(r, 0), rows->integer(r, 1));
    return result;
  }

 private:
  pg_connection db_;
  /// Statement names outlive the calls that point to them.
  std::set<std::string> names_;
};

} // namespace

caf::expected<std::unique_ptr<table_rows>>
open_table_rows(const store_uri& uri) {
  if (uri.kind == store_uri::backend::postgresql) {
    auto db = pg_connection::connect(uri.conninfo);
    if (!db)
      return std::move(db.error());
    if (auto err = pg_migrate(*db))
      return err;
    std::vector<std::pair<std::string, std::string>> stmts;
    for (auto& t : copied_tables()) {
      stmts.emplace_back(std::string{"read_"} + t.name + "0",
                         page_sql(t, true, true));
      stmts.emplace_back(std::string{"read_"} + t.name + "1",
                         page_sql(t, false, true));
      stmts.emplace_back(std::string{"insert_"} + t.name, insert_sql(t, true));
      if (t.serial != nullptr)
        stmts.emplace_back(std::string{"serial_"} + t.name, serial_sql(t));
    }
    if (auto err = db->prepare(std::move(stmts)))
      return err;
    return std::make_unique<pg_rows_impl>(std::move(*db));
  }
  auto lock = file_lock::acquire(sqlite_lock_path(uri.path));
  if (!lock)
    return std::move(lock.error());
  // Opening the store creates or migrates the file, and (with no rows
  // allowed to wait) writes the rows waiting in `todo_log` in place.
  if (auto store = sqlite_store::open(uri.path, "full", false, 2, 0); !store)
    return std::move(store.error());
  auto db = open_database(uri.path, "PRAGMA synchronous=FULL;");
  if (!db)
    return std::move(db.error());
  return std::make_unique<sqlite_rows>(std::move(*lock), std::move(*db));
}

} // namespace actodo::persistence
