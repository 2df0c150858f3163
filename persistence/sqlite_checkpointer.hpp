#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "caf/expected.hpp"

#include "persistence/sqlite_connection.hpp"

namespace actodo::persistence {

/// Moves the writer's WAL into the database file on a thread of its own, so
/// that a commit pays for its WAL append and fsync only. SQLite's automatic
/// checkpoint runs inside the commit that crosses the threshold: copying
/// pages into the database file and syncing it, on the journal's thread,
/// in front of every command queued behind that commit.
///
/// `watch` replaces the automatic checkpoint of a writer connection with a
/// wake-up of this thread each time the WAL has grown by `threshold_pages`
/// frames since the last round. A round is one PASSIVE checkpoint on a
/// connection of its own: it never waits for readers or writers, copies
/// the newest copy of each page once, and syncs the database file.
///
/// The WAL starts over only when a write transaction begins with every
/// frame already in the database file, which a round on another thread
/// rarely achieves while commits keep coming. So once the WAL holds
/// `limit_pages` frames, the writer checkpoints what the rounds left (at
/// most about `threshold_pages` frames plus the commits since) right after
/// its commit, and its next transaction restarts the WAL: the WAL stays
/// near `limit_pages` frames, and that catch-up costs one commit a copy of
/// a few hundred pages and one sync of the database file.
class sqlite_checkpointer {
 public:
  static caf::expected<std::unique_ptr<sqlite_checkpointer>>
  open(const std::string& path, const std::string& sync,
       int64_t threshold_pages = 1000, int64_t limit_pages = 4000);

  ~sqlite_checkpointer();

  sqlite_checkpointer(const sqlite_checkpointer&) = delete;
  sqlite_checkpointer& operator=(const sqlite_checkpointer&) = delete;

  /// Installs the WAL hook on `writer` (which must outlive this object's use
  /// of it: the hook only runs inside the writer's own commits).
  void watch(sqlite3* writer);

  /// Rounds done on the thread so far (for tests and metrics).
  int64_t checkpoints() const;

  /// Checkpoints the writer did itself past `limit_pages` (for tests).
  int64_t writer_checkpoints() const;

 private:
  sqlite_checkpointer(connection db, int64_t threshold, int64_t limit);

  static int on_commit(void* self, sqlite3* db, const char* name, int pages);

  void run();

  connection db_;
  int64_t threshold_;
  int64_t limit_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  bool wanted_ = false;
  int mark_ = 0; // WAL frames when the last round ended.
  int backfilled_ = 0; // Of them in the database file.
  bool stopping_ = false;
  int64_t done_ = 0;
  int64_t inline_ = 0;
  std::thread thread_;
};

} // namespace actodo::persistence
