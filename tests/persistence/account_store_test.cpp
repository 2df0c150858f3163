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

/// The outcome of presenting a token (failures are test failures).
outcome use(account_store& store, const std::string& hash, int64_t now) {
  auto result = store.use_refresh(hash, now);
  if (!result)
    CAF_FAIL("use_refresh failed: " << caf::to_string(result.error()));
  return result->result;
}

int64_t value_of(caf::expected<int64_t> x) {
  if (!x)
    CAF_FAIL("store call failed: " << caf::to_string(x.error()));
  return *x;
}

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

CAF_TEST(a refresh token is fresh once then reused) {
  CAF_REQUIRE(!store->save_refresh("h1", "u1", "f1", 2000));
  auto first = store->use_refresh("h1", 1000);
  CAF_REQUIRE(first);
  CAF_CHECK(first->result == outcome::fresh);
  CAF_CHECK_EQUAL(first->user_id, "u1");
  CAF_CHECK_EQUAL(first->family, "f1");
  auto second = store->use_refresh("h1", 1001);
  CAF_REQUIRE(second);
  CAF_CHECK(second->result == outcome::reused);
  CAF_CHECK_EQUAL(second->used_ms, 1000);
  CAF_CHECK(use(*store, "nope", 1000) == outcome::unknown);
  CAF_REQUIRE(!store->save_refresh("h2", "u1", "f1", 2000));
  CAF_CHECK(use(*store, "h2", 2000) == outcome::expired);
}

CAF_TEST(a rolled back refresh leaves the old token usable) {
  CAF_REQUIRE(!store->save_refresh("h1", "u1", "f1", 5000));
  // The refresh that marked h1 used could not store its new token.
  CAF_REQUIRE(!store->begin());
  CAF_CHECK(use(*store, "h1", 1000) == outcome::fresh);
  store->rollback();
  // The client's retry is not a replay: h1 is still fresh.
  CAF_REQUIRE(!store->begin());
  CAF_CHECK(use(*store, "h1", 1001) == outcome::fresh);
  CAF_REQUIRE(!store->save_refresh("h2", "u1", "f1", 5000));
  CAF_REQUIRE(!store->commit());
  CAF_CHECK(use(*store, "h1", 1002) == outcome::reused);
  CAF_CHECK(use(*store, "h2", 1002) == outcome::fresh);
}

CAF_TEST(revoking a family leaves other families) {
  CAF_REQUIRE(!store->save_refresh("a1", "u1", "fa", 5000));
  CAF_REQUIRE(!store->save_refresh("a2", "u1", "fa", 5000));
  CAF_REQUIRE(!store->save_refresh("b1", "u1", "fb", 5000));
  CAF_CHECK_EQUAL(value_of(store->revoke_family("fa")), 2);
  CAF_CHECK(use(*store, "a2", 1000) == outcome::unknown);
  CAF_CHECK(use(*store, "b1", 1000) == outcome::fresh);
}

CAF_TEST(expired tokens are pruned) {
  CAF_REQUIRE(!store->save_refresh("old", "u1", "f1", 1000));
  CAF_REQUIRE(!store->save_refresh("new", "u1", "f2", 3000));
  CAF_CHECK_EQUAL(value_of(store->prune_refresh(2000)), 1);
  CAF_CHECK_EQUAL(value_of(store->count_refresh()), 1);
}

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
