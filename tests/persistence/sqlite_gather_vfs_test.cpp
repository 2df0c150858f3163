#define CAF_SUITE persistence.sqlite_gather_vfs

#include "caf/test/unit_test.hpp"
#include <sqlite3.h>

#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_gather_vfs.hpp"
#include "persistence/sqlite_statement.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

struct fixture {
  fixture() : path(tmp.path + "/g.db") {
    auto db = open_database(path, "PRAGMA synchronous=FULL;",
                            gather_vfs_name());
    if (!db)
      CAF_FAIL("cannot open: " << caf::to_string(db.error()));
    writer = std::move(*db);
    CAF_REQUIRE(!execute(writer.get(), "CREATE TABLE t(k INTEGER PRIMARY "
                                       "KEY, v BLOB);"));
    // Another connection through SQLite's default VFS.
    auto other = open_database(path, "PRAGMA synchronous=FULL;");
    if (!other)
      CAF_FAIL("cannot open: " << caf::to_string(other.error()));
    plain = std::move(*other);
  }

  int64_t scalar(sqlite3* db, const char* sql) {
    sqlite_statement stmt{db, sql};
    CAF_REQUIRE(stmt.step()); // A row, not run_int's 0 for none.
    return stmt.column_int(0);
  }

  std::string text(sqlite3* db, const char* sql) {
    sqlite_statement stmt{db, sql};
    CAF_REQUIRE(stmt.step());
    return stmt.column_text(0);
  }

  /// Rows first .. first + n - 1 of `bytes` each, in one transaction.
  void insert(int first, int n, int bytes) {
    auto sql = "WITH RECURSIVE s(x) AS (SELECT " + std::to_string(first)
               + " UNION ALL SELECT x + 1 FROM s WHERE x < "
               + std::to_string(first + n - 1)
               + ") INSERT INTO t SELECT x, randomblob(" + std::to_string(bytes)
               + ") FROM s;";
    CAF_REQUIRE(!execute(writer.get(), sql));
  }

  test::temp_dir tmp;
  std::string path;
  connection writer;
  connection plain;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(gather_vfs_tests, fixture)

CAF_TEST(a commit reaches the WAL in a few writes and is seen at once) {
  auto before = gathered_wal_writes();
  // About 200 pages: SQLite writes about 400 times (header, page).
  insert(1, 200, 2000);
  auto writes = gathered_wal_writes() - before;
  CAF_CHECK_GREATER(writes, 0u);
  CAF_CHECK_LESS_OR_EQUAL(writes, 10u);
  // The other connection sees the commit as soon as it returned.
  CAF_CHECK_EQUAL(scalar(plain.get(), "SELECT count(*) FROM t"), 200);
  CAF_CHECK_EQUAL(scalar(plain.get(), "SELECT sum(length(v)) FROM t"),
                  200 * 2000);
}

CAF_TEST(a transaction larger than the cache reads its spilled pages back) {
  CAF_REQUIRE(!execute(writer.get(), "PRAGMA cache_size=-64; BEGIN;"));
  // 3 MiB through a 64 KiB cache: pages spill to the WAL (beyond what is
  // held at once) and are read back by the same transaction.
  insert(1, 1500, 2000);
  CAF_CHECK_EQUAL(scalar(writer.get(), "SELECT sum(length(v)) FROM t"),
                  1500 * 2000);
  CAF_REQUIRE(!execute(writer.get(), "UPDATE t SET v = randomblob(100) "
                                     "WHERE k % 2 = 0; COMMIT;"));
  CAF_CHECK_EQUAL(scalar(plain.get(), "SELECT sum(length(v)) FROM t"),
                  750 * 2000 + 750 * 100);
  CAF_CHECK_EQUAL(text(plain.get(), "PRAGMA integrity_check"), "ok");
}

CAF_TEST(the WAL is written again from its start after a checkpoint) {
  for (int round = 0; round < 5; ++round) {
    insert(round * 100 + 1, 100, 3000);
    // The other connection moves everything into the database file and
    // restarts the WAL: the writer's next commit overwrites it from the
    // start.
    CAF_REQUIRE_EQUAL(scalar(plain.get(), "PRAGMA wal_checkpoint(RESTART)"),
                      0); // Not busy: the WAL was restarted.
    CAF_CHECK_EQUAL(scalar(writer.get(), "SELECT count(*) FROM t"),
                    (round + 1) * 100);
    CAF_CHECK_EQUAL(scalar(plain.get(), "SELECT count(*) FROM t"),
                    (round + 1) * 100);
  }
  insert(1001, 1, 10);
  CAF_CHECK_EQUAL(scalar(plain.get(), "SELECT count(*) FROM t"), 501);
  CAF_CHECK_EQUAL(text(plain.get(), "PRAGMA integrity_check"), "ok");
  // And after the writer is closed, from the file alone.
  writer.reset();
  plain.reset();
  auto again = open_read_only(path);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(scalar(again->get(), "SELECT count(*) FROM t"), 501);
}

CAF_TEST(gathering is used only where SQLite syncs before it publishes) {
  // FULL, and the default power-safe overwrite.
  CAF_CHECK(gathering_is_safe(writer.get()));
  CAF_REQUIRE(!execute(writer.get(), "PRAGMA synchronous=NORMAL;"));
  CAF_CHECK(!gathering_is_safe(writer.get()));
  CAF_REQUIRE(!execute(writer.get(), "PRAGMA synchronous=EXTRA;"));
  CAF_CHECK(gathering_is_safe(writer.get()));
  // Without power-safe overwrite SQLite pads a commit and writes its tail
  // after the sync.
  auto unsafe = open_database("file:" + path + "?psow=0",
                              "PRAGMA synchronous=FULL;", gather_vfs_name());
  CAF_REQUIRE(unsafe);
  CAF_CHECK(!gathering_is_safe(unsafe->get()));
}

CAF_TEST_FIXTURE_SCOPE_END()
