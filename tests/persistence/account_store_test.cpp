#define CAF_SUITE persistence.account_store

#include <filesystem>

#include "caf/test/unit_test.hpp"
#include <sqlite3.h>

#include "persistence/sqlite_account_store.hpp"
#include "persistence/sqlite_connection.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo::persistence;
using outcome = refresh_use::outcome;

namespace {

struct fixture {
  fixture() {
    std::filesystem::create_directories(dir());
    auto opened = sqlite_account_store::open(database_path(dir()));
    if (!opened)
      CAF_FAIL("cannot open: " << caf::to_string(opened.error()));
    store = std::move(*opened);
  }

  std::string dir() const {
    return tmp.path + "/data";
  }

  actodo::test::temp_dir tmp;
  std::unique_ptr<account_store> store;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(account_store_tests, fixture)

CAF_TEST(a database from before token families is migrated) {
  store.reset();
  // Rebuild the table in the old shape with one token in it.
  {
    auto opened = sqlite_account_store::open(database_path(dir()));
    CAF_REQUIRE(opened);
  }
  sqlite3* db = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open((dir() + "/actodo.db").c_str(), &db),
                    SQLITE_OK);
  // Unversioned, as the code before versioned migrations left it.
  auto rc = sqlite3_exec(db,
                         "PRAGMA user_version = 0; "
                         "DROP TABLE refresh_tokens; CREATE TABLE "
                         "refresh_tokens (token_hash TEXT PRIMARY KEY, "
                         "user_id TEXT NOT NULL, expires_ms INTEGER NOT NULL) "
                         "WITHOUT ROWID; INSERT INTO refresh_tokens VALUES "
                         "('h', 'u1', 9000);",
                         nullptr, nullptr, nullptr);
  sqlite3_close(db);
  CAF_REQUIRE_EQUAL(rc, SQLITE_OK);
  auto opened = sqlite_account_store::open(database_path(dir()));
  if (!opened)
    CAF_FAIL("cannot open: " << caf::to_string(opened.error()));
  auto use = (*opened)->use_refresh("h", 1000);
  CAF_REQUIRE(use);
  CAF_CHECK(use->result == outcome::fresh);
  CAF_CHECK_EQUAL(use->family, "h");
}

CAF_TEST_FIXTURE_SCOPE_END()
