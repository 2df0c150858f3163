#define CAF_SUITE persistence.sqlite_checkpointer

#include <chrono>
#include <filesystem>
#include <thread>

#include "caf/test/unit_test.hpp"
#include <sqlite3.h>

#include "persistence/sqlite_checkpointer.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_statement.hpp"

#include "tests/temp_dir.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

struct fixture {
  fixture() : path(tmp.path + "/cp.db") {
    auto db = open_database(path, "PRAGMA synchronous=FULL;");
    if (!db)
      CAF_FAIL("cannot open: " << caf::to_string(db.error()));
    writer = std::move(*db);
    CAF_REQUIRE(!execute(writer.get(), "CREATE TABLE t(k INTEGER PRIMARY "
                                       "KEY, v BLOB);"));
  }

  std::unique_ptr<sqlite_checkpointer> checkpointer(int64_t threshold,
                                                    int64_t limit) {
    auto result = sqlite_checkpointer::open(path, "full", threshold, limit);
    if (!result)
      CAF_FAIL("cannot open: " << caf::to_string(result.error()));
    (*result)->watch(writer.get());
    return std::move(*result);
  }

  /// One commit of about one 4 KiB page per row.
  void commit_rows(int first, int n) {
    std::string sql = "BEGIN;";
    for (int i = first; i < first + n; ++i)
      sql += "INSERT INTO t VALUES(" + std::to_string(i) + ", zeroblob(3500));";
    CAF_REQUIRE(!execute(writer.get(), sql + "COMMIT;"));
  }

  uintmax_t file_size() const {
    return std::filesystem::file_size(path);
  }

  test::temp_dir tmp;
  std::string path;
  connection writer;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(sqlite_checkpointer_tests, fixture)

CAF_TEST(the WAL reaches the database file on the checkpointer thread) {
  auto cp = checkpointer(50, 1'000'000);
  auto before = file_size();
  for (int i = 0; i < 10; ++i)
    commit_rows(i * 20, 20);
  // 200 pages in the WAL: the commits left them there (no checkpoint of
  // their own), the thread copies them into the database file.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((cp->checkpoints() == 0 || file_size() < before + 150 * 4096)
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CAF_CHECK_GREATER_OR_EQUAL(cp->checkpoints(), 1);
  CAF_CHECK_GREATER_OR_EQUAL(file_size(), before + 150 * 4096);
}

CAF_TEST(below the threshold nothing is checkpointed) {
  auto cp = checkpointer(1000, 1'000'000);
  auto before = file_size();
  commit_rows(0, 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(cp->checkpoints(), 0);
  CAF_CHECK_EQUAL(file_size(), before);
}

CAF_TEST(checkpoints are paced by the frames since the last round) {
  // A reader keeps its snapshot from before the commits, so no round can
  // move the WAL into the file and the WAL never restarts: each commit
  // leaves the WAL above the threshold. A round is due only once the WAL
  // holds `threshold` frames more than when the last round ended (at 60,
  // 120 and 180 of 200 pages here), not after every commit past the
  // threshold (8 rounds).
  auto reader = open_database(path, "");
  CAF_REQUIRE(reader);
  sqlite_statement snapshot{reader->get(), "SELECT count(*) FROM t"};
  CAF_REQUIRE(!execute(reader->get(), "BEGIN;"));
  CAF_REQUIRE(snapshot.step()); // The read transaction holds a snapshot.
  auto cp = checkpointer(50, 1'000'000);
  for (int i = 0; i < 10; ++i) {
    commit_rows(i * 20, 20);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CAF_CHECK_GREATER_OR_EQUAL(cp->checkpoints(), 2);
  CAF_CHECK_LESS_OR_EQUAL(cp->checkpoints(), 4);
  snapshot.reset();
  CAF_REQUIRE(!execute(reader->get(), "COMMIT;"));
}

CAF_TEST(under commits without pause the WAL stays near the limit) {
  // About 21 frames a commit and no pause between commits, so a round
  // rarely ends between two of them: without the writer's own catch-up
  // past the limit the WAL file would hold all 60 commits (about 5.2 MB).
  // With it the WAL restarts by twice the limit at the latest.
  auto cp = checkpointer(50, 100);
  for (int i = 0; i < 60; ++i)
    commit_rows(i * 20, 20);
  auto wal = std::filesystem::file_size(path + "-wal");
  // The WAL header, then at most twice the limit plus a few commits (those
  // during a round: each commit and each round syncs).
  CAF_CHECK_LESS_OR_EQUAL(wal, uintmax_t{32 + (200 + 5 * 22) * (4096 + 24)});
  CAF_CHECK_GREATER_OR_EQUAL(cp->checkpoints() + cp->writer_checkpoints(), 1);
}

CAF_TEST(a WAL beyond the limit is checkpointed by the committing writer) {
  // The thread is never asked (threshold above the limit): the WAL is still
  // bounded, by the writer itself.
  auto cp = checkpointer(1'000'000, 30);
  auto before = file_size();
  commit_rows(0, 40);
  CAF_CHECK_GREATER_OR_EQUAL(file_size(), before + 30 * 4096);
  CAF_CHECK_EQUAL(cp->checkpoints(), 0);
  CAF_CHECK_EQUAL(cp->writer_checkpoints(), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
