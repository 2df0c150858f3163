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
/// frames since the last round began. A round is one PASSIVE checkpoint on
/// a connection of its own: it never waits for readers or writers, copies
/// the newest copy of each page once, and syncs the database file.
///
/// The WAL starts over only when a write transaction begins with every
/// frame already in the database file (and no reader on an older
/// snapshot), which a round on another thread rarely achieves while
/// commits keep coming. So once the WAL holds `limit_pages` frames, the
/// writer asks for a round and, at its first commit after that round,
/// checkpoints what the round left (the commits made meanwhile) itself;
/// its next transaction restarts the WAL. That costs one commit a copy of
/// those commits' pages and one sync of the database file. Past twice
/// `limit_pages` (rounds that cannot keep up) the writer does so without
/// asking for a new round (after the one running, if any). A catch-up that
/// cannot copy everything or is not followed by a restart (a reader's old
/// snapshot), and a limit round that finds the checkpoint lock taken, are
/// tried again only after `threshold_pages` more frames.
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

  /// Checkpoints the writer did itself past `limit_pages` that left the
  /// whole WAL in the database file (for tests).
  int64_t writer_checkpoints() const;

  /// True when no round is asked for or running (for tests).
  bool idle() const;

 private:
  sqlite_checkpointer(connection db, int64_t threshold, int64_t limit);

  static int on_commit(void* self, sqlite3* db, const char* name, int pages);

  /// Wakes the thread for a round (the caller holds `mtx_`).
  void ask(bool at_limit);

  void run();

  connection db_;
  int64_t threshold_;
  int64_t limit_;
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool limit_round_ = false; // The round asked for is the limit's.
  bool catch_up_ = false; // It ran: the next commit copies the rest.
  int mark_ = 0; // WAL frames when the last round began.
  int last_pages_ = 0; // WAL frames after the last commit.
  int retry_at_ = 0; // No catch-up before the WAL holds this many.
  bool restart_due_ = false; // The last commit's catch-up copied it all.
  int64_t generation_ = 0; // WAL restarts seen.
  bool stopping_ = false;
  int64_t done_ = 0;
  int64_t inline_ = 0;
  std::thread thread_;
};

} // namespace actodo::persistence
