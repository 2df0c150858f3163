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

/// A reader whose read transaction keeps the WAL's snapshot of the moment
/// it was made, so no checkpoint can copy a later frame, until it ends.
struct old_snapshot {
  explicit old_snapshot(connection reader)
    : db(std::move(reader)), read(db.get(), "SELECT count(*) FROM t") {
    CAF_REQUIRE(!execute(db.get(), "BEGIN;"));
    CAF_REQUIRE(read.step());
  }

  ~old_snapshot() {
    read.reset();
    CAF_CHECK(!execute(db.get(), "COMMIT;"));
  }

  connection db;
  sqlite_statement read;
};

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

  std::unique_ptr<old_snapshot> hold_snapshot() {
    auto reader = open_database(path, "");
    if (!reader)
      CAF_FAIL("cannot open: " << caf::to_string(reader.error()));
    return std::make_unique<old_snapshot>(std::move(*reader));
  }

  /// One commit of about one 4 KiB page per row.
  void commit_rows(int first, int n) {
    std::string sql = "BEGIN;";
    for (int i = first; i < first + n; ++i)
      sql += "INSERT INTO t VALUES(" + std::to_string(i) + ", zeroblob(3500));";
    CAF_REQUIRE(!execute(writer.get(), sql + "COMMIT;"));
  }

  /// Until no round is asked for or running (at most 10 s).
  static void wait_idle(const sqlite_checkpointer& cp) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!cp.idle() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CAF_REQUIRE(cp.idle());
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
  // About 21 frames a commit: a round after every third (each time the WAL
  // has grown by 50 frames), which copies the commits into the database
  // file; the commits themselves checkpoint nothing.
  for (int i = 0; i < 10; ++i) {
    commit_rows(i * 20, 20);
    wait_idle(*cp);
  }
  CAF_CHECK_EQUAL(cp->checkpoints(), 3);
  CAF_CHECK_EQUAL(cp->writer_checkpoints(), 0);
  CAF_CHECK_GREATER_OR_EQUAL(file_size(), before + 180 * 4096);
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
  auto reader = hold_snapshot();
  auto cp = checkpointer(50, 1'000'000);
  for (int i = 0; i < 10; ++i) {
    commit_rows(i * 20, 20);
    wait_idle(*cp);
  }
  CAF_CHECK_GREATER_OR_EQUAL(cp->checkpoints(), 2);
  CAF_CHECK_LESS_OR_EQUAL(cp->checkpoints(), 4);
}

CAF_TEST(past the limit the writer copies what a round left) {
  // About 3 frames a commit, back to back: a round every 200 frames, and
  // past 400 a round and then the writer's own catch-up, after which the
  // WAL starts over. Without the catch-up a round would rarely end between
  // two commits and the WAL would hold all 600 commits (about 1,800
  // frames); one round per commit past the threshold would be hundreds.
  auto cp = checkpointer(200, 400);
  for (int i = 0; i < 600; ++i)
    commit_rows(i * 2, 2);
  CAF_CHECK_GREATER_OR_EQUAL(cp->writer_checkpoints(), 1);
  CAF_CHECK_LESS_OR_EQUAL(cp->checkpoints(), 60);
  // The WAL's header, then at most twice the limit and the commits made
  // during one round: well under the 1,800 frames of no restart at all.
  auto wal = std::filesystem::file_size(path + "-wal");
  CAF_CHECK_LESS_OR_EQUAL(wal, uintmax_t{32 + 1500 * (4096 + 24)});
}

CAF_TEST(a reader on an old snapshot does not make every commit try) {
  // The reader's snapshot keeps every frame in the WAL. Past the limit of
  // 60: one round, then the writer's catch-up, which cannot copy all and
  // is tried again only after 50 more frames (at about 149 and 212 of
  // about 212 frames), never a round or a try per commit.
  auto reader = hold_snapshot();
  auto cp = checkpointer(50, 60);
  for (int i = 0; i < 10; ++i) {
    commit_rows(i * 20, 20);
    wait_idle(*cp);
  }
  CAF_CHECK_EQUAL(cp->checkpoints(), 1);
  CAF_CHECK_EQUAL(cp->writer_checkpoints(), 0);
}

CAF_TEST(a WAL beyond twice the limit is checkpointed by the writer) {
  // One commit of about 71 frames, past twice the limit of 30: the writer
  // copies the WAL itself, in that commit, without waiting for a round.
  auto cp = checkpointer(1'000'000, 30);
  auto before = file_size();
  commit_rows(0, 70);
  CAF_CHECK_GREATER_OR_EQUAL(file_size(), before + 60 * 4096);
  CAF_CHECK_EQUAL(cp->checkpoints(), 0);
  CAF_CHECK_EQUAL(cp->writer_checkpoints(), 1);
}

CAF_TEST(past the limit the writer first asks for a round) {
  // About 41 frames, past the limit of 30 but not twice it: a round copies
  // them, and the writer copies nothing itself.
  auto cp = checkpointer(1'000'000, 30);
  auto before = file_size();
  commit_rows(0, 40);
  wait_idle(*cp);
  CAF_CHECK_EQUAL(cp->checkpoints(), 1);
  CAF_CHECK_EQUAL(cp->writer_checkpoints(), 0);
  CAF_CHECK_GREATER_OR_EQUAL(file_size(), before + 30 * 4096);
}

CAF_TEST_FIXTURE_SCOPE_END()
