#include "persistence/sqlite_checkpointer.hpp"

#include <algorithm>
#include <iostream>
#include <pthread.h>

#include <sqlite3.h>

namespace actodo::persistence {

caf::expected<std::unique_ptr<sqlite_checkpointer>>
sqlite_checkpointer::open(const std::string& path, const std::string& sync,
                          int64_t threshold_pages, int64_t limit_pages) {
  // The checkpoint syncs the database file before the WAL may restart: with
  // the same `synchronous` as the writer.
  auto db = open_database(path, synchronous_pragma(sync));
  if (!db)
    return std::move(db.error());
  return std::unique_ptr<sqlite_checkpointer>{
    new sqlite_checkpointer(std::move(*db), threshold_pages, limit_pages)};
}

sqlite_checkpointer::sqlite_checkpointer(connection db, int64_t threshold,
                                         int64_t limit)
  : db_(std::move(db)), threshold_(threshold), limit_(limit) {
  thread_ = std::thread{[this] { run(); }};
}

sqlite_checkpointer::~sqlite_checkpointer() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void sqlite_checkpointer::watch(sqlite3* writer) {
  // Replaces SQLite's automatic checkpoint (itself a WAL hook).
  sqlite3_wal_hook(writer, &sqlite_checkpointer::on_commit, this);
}

int64_t sqlite_checkpointer::checkpoints() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return done_;
}

int64_t sqlite_checkpointer::writer_checkpoints() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return inline_;
}

int sqlite_checkpointer::on_commit(void* ptr, sqlite3* db, const char* name,
                                   int pages) {
  auto* self = static_cast<sqlite_checkpointer*>(ptr);
  if (pages >= self->limit_) {
    // The rounds keep the WAL mostly in the database file, but under a
    // steady stream of commits none of them ends between two commits, and
    // the WAL starts over only when one does. So past the limit: ask for a
    // round, and after it copy here what it left (the commits since it
    // began), between this commit and the next, which then restarts the
    // WAL. Twice the limit (rounds that cannot keep up): copy here anyway.
    std::unique_lock<std::mutex> guard{self->mtx_};
    if (self->wanted_)
      return SQLITE_OK; // A round runs; the next commit looks again.
    auto left = pages - (self->backfilled_ > pages ? 0 : self->backfilled_);
    if (left > self->threshold_ / 4 && pages < 2 * self->limit_) {
      self->wanted_ = true;
      self->cv_.notify_one();
      return SQLITE_OK;
    }
    guard.unlock();
    auto rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
                                        nullptr, nullptr);
    guard.lock();
    if (rc == SQLITE_OK)
      ++self->inline_;
    return SQLITE_OK;
  }
  std::lock_guard<std::mutex> guard{self->mtx_};
  // Frames since the last round (all of them once the WAL restarted).
  auto mark = pages < self->mark_ ? 0 : self->mark_;
  if (pages - mark >= self->threshold_ && !self->wanted_) {
    self->wanted_ = true;
    self->cv_.notify_one();
  }
  return SQLITE_OK;
}

void sqlite_checkpointer::run() {
  ::pthread_setname_np(::pthread_self(), "actodo.ckpt"); // For top and perf.
  std::unique_lock<std::mutex> lock{mtx_};
  for (;;) {
    cv_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_)
      return;
    lock.unlock();
    int log = 0;
    int copied = 0;
    auto rc = sqlite3_wal_checkpoint_v2(
      db_.get(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      std::cerr << "actodo: sqlite checkpoint failed: "
                << sqlite3_errmsg(db_.get()) << '\n';
    lock.lock();
    mark_ = std::max(log, 0);
    backfilled_ = std::max(copied, 0);
    wanted_ = false;
    ++done_;
  }
}

} // namespace actodo::persistence
