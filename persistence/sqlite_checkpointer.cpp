#include "persistence/sqlite_checkpointer.hpp"

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

bool sqlite_checkpointer::idle() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return !wanted_;
}

void sqlite_checkpointer::ask(bool at_limit) {
  wanted_ = true;
  limit_round_ = at_limit;
  cv_.notify_one();
}

int sqlite_checkpointer::on_commit(void* ptr, sqlite3* db, const char* name,
                                   int pages) {
  auto* self = static_cast<sqlite_checkpointer*>(ptr);
  std::unique_lock<std::mutex> guard{self->mtx_};
  if (pages < self->last_pages_) {
    // The WAL started over: what the rounds saw was the old one's.
    ++self->generation_;
    self->mark_ = 0;
    self->catch_up_ = false;
    self->retry_at_ = 0;
  } else if (self->restart_due_) {
    // The catch-up left the whole WAL in the file, yet this commit did not
    // start it over: a reader still on the old snapshot. Wait for more.
    self->retry_at_ = pages + static_cast<int>(self->threshold_);
  }
  self->restart_due_ = false;
  self->last_pages_ = pages;
  if (self->wanted_)
    return SQLITE_OK; // A round is asked for or runs: look again next commit.
  if (pages < self->limit_) {
    if (pages - self->mark_ >= self->threshold_)
      self->ask(false);
    return SQLITE_OK;
  }
  // The rounds keep the WAL mostly in the database file, but under a steady
  // stream of commits none of them ends between two commits, and the WAL
  // starts over only when one does. So past the limit: ask for a round,
  // and at the first commit after it copy here what it left (the commits
  // since it began), between this commit and the next, which then restarts
  // the WAL. Past twice the limit (rounds that cannot keep up): copy here
  // without asking for a new round (after the one that runs, if any).
  if (pages < self->retry_at_)
    return SQLITE_OK; // The last try could not copy all, or a round could not
                      // run (a reader's snapshot, another checkpoint).
  if (!self->catch_up_ && pages < 2 * self->limit_) {
    self->ask(true);
    return SQLITE_OK;
  }
  self->catch_up_ = false;
  guard.unlock();
  int log = -1;
  int copied = -1;
  auto rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log,
                                      &copied);
  guard.lock();
  if (rc == SQLITE_OK && log >= 0 && copied >= log) {
    ++self->inline_; // All in the file: the next transaction restarts it.
    self->restart_due_ = true;
  } else {
    self->retry_at_ = pages + static_cast<int>(self->threshold_);
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
    auto generation = generation_;
    lock.unlock();
    int log = -1;
    auto rc = sqlite3_wal_checkpoint_v2(
      db_.get(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      std::cerr << "actodo: sqlite checkpoint failed: "
                << sqlite3_errmsg(db_.get()) << '\n';
    lock.lock();
    // A round that saw a WAL that has since started over tells nothing. One
    // that could not run (another connection's checkpoint held the lock:
    // SQLITE_BUSY, -1) waits for `threshold_` more frames, as if it had.
    if (generation == generation_) {
      mark_ = log >= 0 ? log : last_pages_;
      catch_up_ = log >= 0 && limit_round_;
      if (log < 0 && limit_round_)
        retry_at_ = last_pages_ + static_cast<int>(threshold_);
    }
    wanted_ = false;
    ++done_;
  }
}

} // namespace actodo::persistence
