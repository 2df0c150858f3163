#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "persistence/records.hpp"

struct sqlite3;

namespace actodo::persistence {

class sqlite_statement;

/// The `todos` rows of recent commits, appended to a log instead of written
/// in place.
///
/// A burst of reminders of 10,000 users changes rows under 10,000 random
/// keys of `todos`: each a b-tree leaf that SQLite reads and writes back
/// whole at the commit (about half of a wake's commit time, bench/RESULTS.md).
/// Appended to `todo_log`, whose integer key only grows, the same rows share
/// the log's last pages. `fold` writes them in place later, oldest first and
/// in key order, in a transaction of its own, and drops them (and every
/// older version) from the log.
///
/// Every read of the store's todos goes through here: `overlay` puts a
/// user's waiting rows over what `todos` has, `wakes_after` and
/// `wake_count_change` do the same for the due-time index. What is kept in
/// memory per waiting row is its key, log position and wake time (no JSON,
/// about 250 bytes); it is rebuilt from `todo_log` when the store opens, so
/// a crash loses nothing that committed. Blocking and not thread-safe: the
/// store's owner calls it, on the writer's connection.
class sqlite_row_log {
 public:
  /// Reads the waiting rows of `todo_log` (the table exists: migrated).
  static caf::expected<std::unique_ptr<sqlite_row_log>> open(sqlite3* db);

  ~sqlite_row_log();

  sqlite_row_log(const sqlite_row_log&) = delete;
  sqlite_row_log& operator=(const sqlite_row_log&) = delete;

  /// Inside a commit's transaction: whether the row `id` of `user` goes to
  /// the log (`append`) rather than in place. It does when its key waits
  /// here already (a version in place would be shadowed by the older one
  /// that waits), and when the user wrote no rows in the last successful
  /// commit:
  /// that user's leaves of `todos` are likely cold, as in a burst of
  /// reminders of many users. A user that writes in every
  /// commit (one busy list) appends to leaves of `todos` that stay in the
  /// page cache, and the log would only add work. A key appended earlier
  /// in the same transaction goes to the log again: its user is still cold,
  /// or the key still waits.
  bool defer(const std::string& user, const std::string& id);

  /// Inside a commit's transaction: appends `row` of `user` (an empty
  /// `json` deletes the row).
  caf::error append(const std::string& user, const todo_record& row);

  /// The commit's transaction committed: what `append` wrote since the last
  /// `committed` or `rolled_back` now waits to be folded.
  void committed();

  /// The commit's transaction rolled back: forgets those appends.
  void rolled_back();

  /// Entries in `todo_log`: every version of the waiting rows, so this
  /// bounds the log's size on disk as well as the memory (at most one
  /// index entry per log entry).
  size_t size() const noexcept {
    return log_entries_;
  }

  /// Writes the `max_rows` waiting rows whose newest version is oldest in
  /// place (in key order) and removes every log entry up to the newest of
  /// them, in one transaction: `size()` drops by at least that many. On an
  /// error nothing changed.
  caf::error fold(size_t max_rows);

  /// Puts the waiting rows of `user` over `rows` (that user's rows read
  /// from `todos`, in any order): replaced, added or removed.
  caf::error overlay(const std::string& user, std::vector<todo_record>& rows);

  /// Reads `todos`' due-time index: up to `limit` entries after `after`.
  using wake_page = std::function<caf::expected<std::vector<wake_entry>>(
    const wake_entry& after, int64_t limit)>;

  /// Up to `limit` entries of the due-time index after `after`, as if every
  /// waiting row were written in place. Reads pages of `todos`' index with
  /// `page` until `limit` entries not shadowed by a waiting row are found
  /// (or the index ends), then merges the waiting rows' wake times (a scan
  /// of the waiting rows: the scheduler reads a page per 5,000 wakes).
  caf::expected<std::vector<wake_entry>>
  wakes_after(const wake_entry& after, int64_t limit, const wake_page& page);

  /// How much the waiting rows change the size of `todos`' due-time index
  /// (one lookup in `todos` per waiting row).
  caf::expected<int64_t> wake_count_change();

 private:
  using key = std::pair<std::string, std::string>; // (user, todo id)

  struct entry {
    int64_t pos = 0;
    int64_t wake_at = -1;
    bool gone = false;
  };

  struct statements;

  explicit sqlite_row_log(sqlite3* db);

  void put(key k, entry e);

  sqlite3* db_;
  std::unique_ptr<statements> stmts_;
  /// The newest version of each waiting row, by key.
  std::map<key, entry> rows_;
  /// The same rows by the log position of that newest version.
  std::map<int64_t, std::map<key, entry>::iterator> by_pos_;
  /// Appended by the transaction in progress.
  std::vector<std::pair<key, entry>> staged_;
  /// Users that wrote rows in the last successful commit, and in the one in
  /// progress.
  std::set<std::string> recent_;
  std::set<std::string> current_;
  /// Rows in `todo_log` (committed).
  size_t log_entries_ = 0;
};

} // namespace actodo::persistence
