#define CAF_SUITE persistence.sqlite_transaction

#include <filesystem>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

struct fixture {
  fixture() {
    auto opened = open_database(database_path(tmp.path),
                                "CREATE TABLE t (x INTEGER);");
    if (!opened)
      CAF_FAIL("cannot open: " << describe(opened.error()));
    db = std::move(*opened);
  }

  int64_t rows() {
    sqlite_statement count{db.get(), "SELECT count(*) FROM t"};
    auto n = count.run_int();
    CAF_REQUIRE(n);
    return *n;
  }

  caf::error insert() {
    return execute(db.get(), "INSERT INTO t VALUES (1)");
  }

  test::temp_dir tmp;
  connection db;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(sqlite_transaction_tests, fixture)

CAF_TEST(a committed transaction keeps its writes) {
  auto txn = sqlite_transaction::begin(db.get());
  CAF_REQUIRE(txn);
  CAF_REQUIRE(!insert());
  CAF_CHECK(!txn->commit());
  CAF_CHECK_EQUAL(rows(), 1);
  // A second commit has nothing to commit.
  CAF_CHECK_EQUAL(txn->commit(), ec::store_failure);
}

CAF_TEST(a transaction left uncommitted rolls back) {
  {
    auto txn = sqlite_transaction::begin(db.get());
    CAF_REQUIRE(txn);
    CAF_REQUIRE(!insert());
    // An early return: the destructor rolls back.
  }
  CAF_CHECK_EQUAL(rows(), 0);
  auto again = sqlite_transaction::begin(db.get());
  CAF_CHECK(again);
}

CAF_TEST(a transaction cannot begin inside another) {
  auto outer = sqlite_transaction::begin(db.get());
  CAF_REQUIRE(outer);
  auto inner = sqlite_transaction::begin(db.get());
  CAF_CHECK(!inner);
  CAF_REQUIRE(!insert());
  CAF_CHECK(!outer->commit());
  CAF_CHECK_EQUAL(rows(), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
