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
/// wake-up of this thread once the WAL holds `threshold_pages` pages. The
/// thread runs PASSIVE checkpoints on a connection of its own: they never
/// wait for readers or writers, and the next write restarts the WAL once
/// every frame is in the database file. A writer whose WAL grows beyond
/// `limit_pages` (the checkpoints fall behind) checkpoints itself, as
/// before: the WAL stays bounded.
class sqlite_checkpointer {
 public:
  static caf::expected<std::unique_ptr<sqlite_checkpointer>>
  open(const std::string& path, const std::string& sync,
       int64_t threshold_pages = 1000, int64_t limit_pages = 65536);

  ~sqlite_checkpointer();

  sqlite_checkpointer(const sqlite_checkpointer&) = delete;
  sqlite_checkpointer& operator=(const sqlite_checkpointer&) = delete;

  /// Installs the WAL hook on `writer` (which must outlive this object's use
  /// of it: the hook only runs inside the writer's own commits).
  void watch(sqlite3* writer);

  /// Checkpoints done on the thread so far (for tests and metrics).
  int64_t checkpoints() const;

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
  bool stopping_ = false;
  int64_t done_ = 0;
  std::thread thread_;
};

} // namespace actodo::persistence
