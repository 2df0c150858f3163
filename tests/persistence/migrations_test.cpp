#define CAF_SUITE persistence.migrations

#include <filesystem>
#include <string>

#include "caf/test/unit_test.hpp"
#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sqlite_account_store.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

/// The tables as the code before versioned migrations created them on a
/// fresh database, minus the columns it added later with ALTER TABLE
/// (`todos.wake_at`, `refresh_tokens.family` and `used_ms`), with rows.
constexpr const char* unversioned_schema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  user_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
  todo_id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS todos (
  user_id TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY (user_id, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
  user_id TEXT NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,
  status INTEGER NOT NULL, body TEXT NOT NULL, idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL, created_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, request_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS requests_by_key
  ON requests (user_id, idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX IF NOT EXISTS requests_by_age ON requests (created_ms);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kafka_position (
  name TEXT PRIMARY KEY, published INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO events VALUES ('alice', 1, 'todo.created', 't1', '{"seq":1}');
INSERT INTO events VALUES ('bob', 1, 'todo.created', 't9',
  '{"time":"2026-03-01T00:00:01.500Z"}');
INSERT INTO todos VALUES ('alice', 't1', '{"id":"t1"}');
INSERT INTO users VALUES ('u1', 'alice', 'hash', 1000);
INSERT INTO refresh_tokens VALUES ('h1', 'u1', 9000);
)sql";

/// What the previous code's open added to a database of 0.1.
constexpr const char* old_wake_alter = R"sql(
ALTER TABLE todos ADD COLUMN wake_at INTEGER NOT NULL DEFAULT -1;
CREATE INDEX IF NOT EXISTS todos_by_wake
  ON todos (wake_at, user_id, id) WHERE wake_at >= 0;
)sql";

struct fixture {
  fixture() : dir(tmp.path + "/data") {
    std::filesystem::create_directories(dir);
  }

  /// A plain connection to the database, for what the stores do not show.
  connection raw() {
    sqlite3* db = nullptr;
    auto rc = sqlite3_open(database_path(dir).c_str(), &db);
    connection result{db};
    CAF_REQUIRE_EQUAL(rc, SQLITE_OK);
    return result;
  }

  void exec(const std::string& sql) {
    if (auto err = execute(raw().get(), sql))
      CAF_FAIL("cannot set up the database: " << describe(err));
  }

  int64_t version() {
    auto db = raw();
    auto v = schema_version(db.get());
    CAF_REQUIRE(v);
    return *v;
  }

  bool has_column(const std::string& table, const std::string& column) {
    auto db = raw();
    auto sql = "SELECT " + column + " FROM " + table + " LIMIT 0";
    return sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr)
           == SQLITE_OK;
  }

  std::unique_ptr<sqlite_store> open_store() {
    auto result = sqlite_store::open(database_path(dir), "full");
    if (!result)
      CAF_FAIL("cannot open: " << describe(result.error()));
    return std::move(*result);
  }

  test::temp_dir tmp;
  std::string dir;
};

int64_t latest() {
  return static_cast<int64_t>(actodo_migrations().size());
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(migrations_tests, fixture)

CAF_TEST(a fresh database gets the latest version) {
  open_store();
  CAF_CHECK_EQUAL(version(), latest());
  CAF_CHECK(has_column("todos", "wake_at"));
  CAF_CHECK(has_column("refresh_tokens", "family"));
  CAF_CHECK(has_column("refresh_tokens", "used_ms"));
  // The other store on the same file finds nothing to do.
  CAF_CHECK(sqlite_account_store::open(database_path(dir)));
  CAF_CHECK_EQUAL(version(), latest());
  // Every step is in the history, once; the ones before the history at 0.
  auto db = raw();
  sqlite_statement rows{db.get(), "SELECT count(*), min(version), "
                                  "max(version) FROM schema_version"};
  CAF_REQUIRE(rows.step());
  CAF_CHECK_EQUAL(rows.column_int(0), latest());
  CAF_CHECK_EQUAL(rows.column_int(1), 1);
  CAF_CHECK_EQUAL(rows.column_int(2), latest());
  rows.reset();
  sqlite_statement last{db.get(), "SELECT applied_ms FROM schema_version "
                                  "WHERE version = ?1"};
  auto applied = last.bind(1, latest()).run_int();
  CAF_REQUIRE(applied);
  CAF_CHECK(*applied > 0);
  sqlite_statement first{db.get(), "SELECT applied_ms FROM schema_version "
                                   "WHERE version = 1"};
  CAF_CHECK_EQUAL(first.run_int(), int64_t{0});
}

CAF_TEST(an unversioned database without the added columns upgrades) {
  exec(unversioned_schema);
  CAF_REQUIRE_EQUAL(version(), 0);
  auto store = open_store();
  CAF_CHECK_EQUAL(version(), latest());
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->last_seq, 1);
  CAF_REQUIRE_EQUAL(snap->todos.size(), 1u);
  CAF_CHECK_EQUAL(snap->todos[0], R"({"id":"t1"})");
  CAF_CHECK_EQUAL(store->count_wakes(), int64_t{0});
  // Old events get the time their CloudEvent carries (0 when none).
  {
    auto db = raw();
    sqlite_statement times{db.get(), "SELECT group_concat(time_ms) FROM "
                                     "(SELECT time_ms FROM events ORDER BY "
                                     "user_id)"};
    CAF_REQUIRE(times.step());
    CAF_CHECK_EQUAL(times.column_text(0), "0,1772323201500");
  }
  // The new column works: a todo with a reminder enters the index.
  user_batch b;
  b.user_id = "alice";
  b.todos.push_back({"t1", R"({"id":"t1"})", 5000});
  CAF_REQUIRE(!store->commit({b}));
  CAF_CHECK_EQUAL(store->count_wakes(), int64_t{1});
  auto accounts = sqlite_account_store::open(database_path(dir));
  CAF_REQUIRE(accounts);
  auto user = (*accounts)->find_by_name("alice");
  CAF_REQUIRE(user && *user);
  CAF_CHECK_EQUAL((*user)->id, "u1");
  // Each old token is a family of its own.
  auto use = (*accounts)->use_refresh("h1", 1000);
  CAF_REQUIRE(use);
  CAF_CHECK(use->result == refresh_use::outcome::fresh);
  CAF_CHECK_EQUAL(use->family, "h1");
}

CAF_TEST(an unversioned database keeps the columns it already has) {
  exec(std::string{unversioned_schema} + old_wake_alter
       + "UPDATE todos SET wake_at = 7000;");
  auto accounts = sqlite_account_store::open(database_path(dir));
  CAF_REQUIRE(accounts);
  CAF_CHECK_EQUAL(version(), latest());
  auto store = open_store();
  CAF_CHECK_EQUAL(store->count_wakes(), int64_t{1});
  auto wakes = store->wakes_after({-1, "", ""}, 10);
  CAF_REQUIRE(wakes);
  CAF_REQUIRE_EQUAL(wakes->size(), 1u);
  CAF_CHECK_EQUAL(wakes->at(0).at, 7000);
}

CAF_TEST(a database newer than the binary is refused) {
  open_store();
  exec("PRAGMA user_version = " + std::to_string(latest() + 1));
  auto store = sqlite_store::open(database_path(dir), "full");
  CAF_REQUIRE(!store);
  CAF_CHECK_EQUAL(store.error(), ec::store_failure);
  auto text = describe(store.error());
  CAF_CHECK(text.find("newer actodo") != std::string::npos);
  CAF_CHECK(!sqlite_account_store::open(database_path(dir)));
  CAF_CHECK_EQUAL(version(), latest() + 1);
}

CAF_TEST(a failing step keeps the steps before it) {
  std::vector<migration> steps{
    {1, "one table", "CREATE TABLE a (x INTEGER);", {}},
    {2, "broken", "CREATE TABLE b (y INTEGER); CREATE TABLE a (x);", {}},
  };
  auto db = raw();
  auto err = migrate(db.get(), steps);
  CAF_CHECK_EQUAL(err, ec::store_failure);
  CAF_CHECK(describe(err).find("migration 2 (broken)") != std::string::npos);
  CAF_CHECK_EQUAL(schema_version(db.get()), int64_t{1});
  CAF_CHECK(has_column("a", "x"));
  CAF_CHECK(!has_column("b", "y")); // Rolled back with its step.
}

CAF_TEST_FIXTURE_SCOPE_END()
