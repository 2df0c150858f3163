#include "persistence/sqlite_row_log.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include <sqlite3.h>

#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

struct sqlite_row_log::statements {
  explicit statements(sqlite3* db)
    : append(db, "INSERT INTO todo_log (user_id, id, json, wake_at) "
                 "VALUES (?1, ?2, ?3, ?4)"),
      all(db, "SELECT pos, user_id, id, wake_at, json = '' FROM todo_log "
              "ORDER BY pos"),
      json_at(db, "SELECT json FROM todo_log WHERE pos = ?1"),
      copy(db, "INSERT OR REPLACE INTO todos (user_id, id, json, wake_at) "
               "SELECT user_id, id, json, wake_at FROM todo_log "
               "WHERE pos = ?1"),
      erase(db, "DELETE FROM todos WHERE user_id = ?1 AND id = ?2"),
      drop(db, "DELETE FROM todo_log WHERE pos <= ?1"),
      has_wake(db, "SELECT wake_at >= 0 FROM todos "
                   "WHERE user_id = ?1 AND id = ?2") {}

  const sqlite_statement* first_failed() const {
    for (auto s : {&append, &all, &json_at, &copy, &erase, &drop, &has_wake})
      if (!s->ok())
        return s;
    return nullptr;
  }

  sqlite_statement append, all, json_at, copy, erase, drop, has_wake;
};

sqlite_row_log::sqlite_row_log(sqlite3* db) : db_(db) {}

sqlite_row_log::~sqlite_row_log() = default;

caf::expected<std::unique_ptr<sqlite_row_log>>
sqlite_row_log::open(sqlite3* db) {
  std::unique_ptr<sqlite_row_log> result{new sqlite_row_log(db)};
  result->stmts_ = std::make_unique<statements>(db);
  auto& s = *result->stmts_;
  if (auto bad = s.first_failed())
    return sqlite_failure(bad->error());
  while (s.all.step()) {
    result->put({s.all.column_text(1), s.all.column_text(2)},
                {s.all.column_int(0), s.all.column_int(3),
                 s.all.column_int(4) != 0});
    ++result->log_entries_;
  }
  if (!s.all.ok())
    return s.all.fail();
  s.all.reset();
  return result;
}

void sqlite_row_log::put(key k, entry e) {
  auto [i, added] = rows_.try_emplace(std::move(k), e);
  if (!added) {
    by_pos_.erase(i->second.pos);
    i->second = e;
  }
  by_pos_.emplace(e.pos, i);
}

bool sqlite_row_log::defer(const std::string& user, const std::string& id) {
  current_.insert(user);
  if (recent_.count(user) == 0)
    return true; // Cold.
  return rows_.count(key{user, id}) > 0;
}

caf::error sqlite_row_log::append(const std::string& user,
                                  const todo_record& row) {
  auto gone = row.json.empty();
  auto wake_at = gone ? int64_t{-1} : row.wake_at;
  auto& stmt = stmts_->append;
  stmt.bind(1, user).bind(2, row.id).bind(3, row.json).bind(4, wake_at);
  if (auto err = stmt.run())
    return err;
  staged_.emplace_back(key{user, row.id},
                       entry{sqlite3_last_insert_rowid(db_), wake_at, gone});
  return caf::none;
}

void sqlite_row_log::committed() {
  log_entries_ += staged_.size();
  for (auto& [k, e] : staged_)
    put(std::move(k), e);
  staged_.clear();
  recent_ = std::move(current_);
  current_.clear();
}

void sqlite_row_log::rolled_back() {
  staged_.clear();
  current_.clear();
}

caf::error sqlite_row_log::fold(size_t max_rows) {
  if (max_rows == 0 || by_pos_.empty())
    return caf::none;
  std::vector<std::map<key, entry>::iterator> chosen;
  chosen.reserve(std::min(max_rows, by_pos_.size()));
  int64_t upto = 0;
  for (auto& [pos, i] : by_pos_) {
    if (chosen.size() == max_rows)
      break;
    chosen.push_back(i);
    upto = pos;
  }
  // In key order, so that neighbouring rows share the leaves they change.
  std::sort(chosen.begin(), chosen.end(),
            [](auto& x, auto& y) { return x->first < y->first; });
  auto txn = sqlite_transaction::begin(db_);
  if (!txn)
    return std::move(txn.error());
  auto& s = *stmts_;
  for (auto i : chosen) {
    auto& [user, id] = i->first;
    auto err = i->second.gone ? s.erase.bind(1, user).bind(2, id).run()
                              : s.copy.bind(1, i->second.pos).run();
    if (err)
      return err; // Rolled back by `txn`.
  }
  // Older versions of the rows left waiting go too: each of those rows has
  // a newer version after `upto`.
  if (auto err = s.drop.bind(1, upto).run())
    return err;
  auto dropped = static_cast<size_t>(sqlite3_changes(db_));
  if (auto err = txn->commit())
    return err;
  log_entries_ -= std::min(dropped, log_entries_);
  for (auto i : chosen) {
    by_pos_.erase(i->second.pos);
    rows_.erase(i);
  }
  return caf::none;
}

caf::error sqlite_row_log::overlay(const std::string& user,
                                   std::vector<todo_record>& rows) {
  auto first = rows_.lower_bound(key{user, std::string{}});
  if (first == rows_.end() || first->first.first != user)
    return caf::none;
  std::unordered_map<std::string, size_t> slot;
  for (size_t n = 0; n < rows.size(); ++n)
    slot.emplace(rows[n].id, n);
  std::vector<bool> removed(rows.size(), false);
  auto& json_at = stmts_->json_at;
  for (auto i = first; i != rows_.end() && i->first.first == user; ++i) {
    auto& [k, e] = *i;
    auto found = slot.find(k.second);
    if (e.gone) {
      if (found != slot.end())
        removed[found->second] = true;
      continue;
    }
    if (!json_at.bind(1, e.pos).step()) {
      if (!json_at.ok())
        return json_at.fail();
      json_at.reset();
      return sqlite_failure("todo_log has no row " + std::to_string(e.pos));
    }
    todo_record row{k.second, json_at.column_text(0), e.wake_at};
    json_at.reset();
    if (found == slot.end()) {
      rows.push_back(std::move(row));
      removed.push_back(false);
    } else {
      rows[found->second] = std::move(row);
      removed[found->second] = false;
    }
  }
  size_t kept = 0;
  for (size_t n = 0; n < rows.size(); ++n)
    if (!removed[n]) {
      if (kept != n)
        rows[kept] = std::move(rows[n]);
      ++kept;
    }
  rows.resize(kept);
  // In key order, as `todos` answers (a list relies on it: notifications
  // oldest first, children in the order of their ids).
  std::sort(rows.begin(), rows.end(),
            [](auto& x, auto& y) { return x.id < y.id; });
  return caf::none;
}

namespace {

bool before(const wake_entry& x, const wake_entry& y) {
  return std::tie(x.at, x.user_id, x.todo_id)
         < std::tie(y.at, y.user_id, y.todo_id);
}

} // namespace

caf::expected<std::vector<wake_entry>>
sqlite_row_log::wakes_after(const wake_entry& after, int64_t limit,
                            const wake_page& page) {
  std::vector<wake_entry> result;
  if (limit <= 0)
    return result;
  // Entries of `todos` whose row waits here are shadowed: the waiting
  // version says when (and whether) the todo wakes. Read until `limit`
  // entries that are not, or to the index's end.
  auto cursor = after;
  while (static_cast<int64_t>(result.size()) < limit) {
    auto got = page(cursor, limit);
    if (!got)
      return std::move(got.error());
    for (auto& x : *got)
      if (rows_.count(key{x.user_id, x.todo_id}) == 0)
        result.push_back(x);
    if (static_cast<int64_t>(got->size()) < limit)
      break;
    cursor = got->back();
  }
  // The waiting rows' wake times join. Those after the last entry read sort
  // behind `limit` entries read when the index did not end there.
  for (auto& [k, e] : rows_)
    if (!e.gone && e.wake_at >= 0) {
      wake_entry x{e.wake_at, k.first, k.second};
      if (before(after, x))
        result.push_back(std::move(x));
    }
  std::sort(result.begin(), result.end(), before);
  if (static_cast<int64_t>(result.size()) > limit)
    result.resize(static_cast<size_t>(limit));
  return result;
}

caf::expected<int64_t> sqlite_row_log::wake_count_change() {
  int64_t change = 0;
  auto& has_wake = stmts_->has_wake;
  for (auto& [k, e] : rows_) {
    auto stored = has_wake.bind(1, k.first).bind(2, k.second).run_int();
    if (!stored)
      return std::move(stored.error());
    change += (!e.gone && e.wake_at >= 0 ? 1 : 0) - *stored;
  }
  return change;
}

} // namespace actodo::persistence
