#include "persistence/sqlite_store.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <sys/stat.h>

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sqlite_checkpointer.hpp"
#include "persistence/sqlite_gather_vfs.hpp"
#include "persistence/sqlite_reader.hpp"
#include "persistence/sqlite_row_log.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

struct sqlite_store::statements {
  explicit statements(sqlite3* db)
    : insert_event(db, "INSERT INTO events (user_id, seq, type, todo_id, "
                       "json, time_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
      upsert_todo(db, "INSERT OR REPLACE INTO todos (user_id, id, json, "
                      "wake_at) VALUES (?1, ?2, ?3, ?4)"),
      delete_todo(db, "DELETE FROM todos WHERE user_id = ?1 AND id = ?2"),
      insert_request(db, "INSERT OR REPLACE INTO requests (user_id, "
                         "request_id, state, status, body, idempotency_key, "
                         "fingerprint, created_ms, body_seq) VALUES "
                         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
      prune(db, "DELETE FROM requests WHERE created_ms < ?1"),
      // A user's last event stays (it carries the sequence), and so does
      // what the outbox still has to publish: the outbox is in commit
      // order, so everything committed before its oldest entry is out.
      prune_events(db, "DELETE FROM events WHERE (user_id, seq) IN ("
                       "SELECT e.user_id, e.seq FROM events e "
                       "WHERE e.time_ms < min(?1, coalesce((SELECT u.time_ms "
                       "FROM outbox o JOIN events u ON u.user_id = o.user_id "
                       "AND u.seq = o.seq ORDER BY o.id LIMIT 1), ?1)) "
                       "AND e.seq < (SELECT max(l.seq) FROM events l "
                       "WHERE l.user_id = e.user_id) LIMIT ?2)"),
      insert_outbox(db, "INSERT INTO outbox (user_id, seq) VALUES (?1, ?2)"),
      set_position(db, "INSERT OR REPLACE INTO kafka_position "
                       "VALUES ('events', ?1)"),
      delete_outbox(db, "DELETE FROM outbox WHERE id <= ?1"),
      claim(db, "INSERT INTO partition_epochs (partition, epoch) VALUES "
                "(?1, ?2 + 1) ON CONFLICT (partition) DO UPDATE SET epoch = "
                "max(epoch + 1, excluded.epoch) RETURNING epoch"),
      epoch_of(db, "SELECT epoch FROM partition_epochs WHERE partition = ?1") {}

  const sqlite_statement* first_failed() const {
    for (auto s : {&insert_event, &upsert_todo, &delete_todo, &insert_request,
                   &prune, &prune_events, &insert_outbox, &set_position,
                   &delete_outbox, &claim, &epoch_of})
      if (!s->ok())
        return s;
    return nullptr;
  }

  sqlite_statement insert_event, upsert_todo, delete_todo, insert_request;
  sqlite_statement prune, prune_events, insert_outbox, set_position;
  sqlite_statement delete_outbox, claim, epoch_of;
};

sqlite_store::sqlite_store(connection db, bool with_outbox,
                           size_t deferred_limit)
  : db_(std::move(db)),
    with_outbox_(with_outbox),
    deferred_limit_(deferred_limit) {}

sqlite_store::~sqlite_store() = default;

caf::expected<std::unique_ptr<sqlite_store>>
sqlite_store::open(const std::string& path, const std::string& sync,
                   bool with_outbox, int64_t cache_mib, size_t max_deferred) {
  auto dir = std::filesystem::path{path}.parent_path().string();
  if (!dir.empty() && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return sqlite_failure("cannot create directory " + dir + ": "
                          + std::strerror(errno));
  auto pragmas = synchronous_pragma(sync)
                 // Negative: KiB rather than pages.
                 + "PRAGMA cache_size=-" + std::to_string(cache_mib * 1024)
                 + ";";
  // The writer's WAL writes go out together (sqlite_gather_vfs.hpp) where
  // that is safe: with `synchronous=FULL` and power-safe overwrite.
  auto db = open_database(path, pragmas,
                          sync == "normal" ? nullptr : gather_vfs_name());
  if (db && sync != "normal" && !gathering_is_safe(db->get()))
    db = open_database(path, pragmas);
  if (!db)
    return std::move(db.error());
  if (auto err = migrate(db->get(), actodo_migrations()))
    return err;
  std::unique_ptr<sqlite_store> result{
    new sqlite_store(std::move(*db), with_outbox, max_deferred)};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  if (auto bad = result->stmts_->first_failed())
    return sqlite_failure(bad->error());
  auto row_log = sqlite_row_log::open(result->db_.get());
  if (!row_log)
    return std::move(row_log.error());
  result->row_log_ = std::move(*row_log);
  // Rows an earlier run left waiting beyond this run's limit go in place.
  if (result->row_log_->size() > max_deferred)
    if (auto err = result->row_log_->fold(result->row_log_->size()
                                          - max_deferred))
      return err;
  auto checkpointer = sqlite_checkpointer::open(path, sync);
  if (!checkpointer)
    return std::move(checkpointer.error());
  result->checkpointer_ = std::move(*checkpointer);
  result->checkpointer_->watch(result->db_.get());
  auto reader = sqlite_reader::open(path);
  if (!reader)
    return std::move(reader.error());
  result->reader_ = std::move(*reader);
  return result;
}

caf::error sqlite_store::write_events(const user_batch& b, int64_t now_ms) {
  auto& s = *stmts_;
  for (auto& ev : b.events) {
    s.insert_event.bind(1, b.user_id).bind(2, ev.seq).bind(3, ev.type);
    s.insert_event.bind(4, ev.todo_id).bind(5, ev.json).bind(6, now_ms);
    if (auto err = s.insert_event.run())
      return err;
    if (with_outbox_)
      if (auto err = s.insert_outbox.bind(1, b.user_id).bind(2, ev.seq).run())
        return err;
  }
  return caf::none;
}

caf::error sqlite_store::write(const user_batch& b, int64_t now_ms) {
  if (auto err = write_events(b, now_ms))
    return err;
  auto& s = *stmts_;
  for (auto& t : b.todos) {
    if (deferred_limit_ > 0 && row_log_->defer(b.user_id, t.id)) {
      if (auto err = row_log_->append(b.user_id, t))
        return err;
      continue;
    }
    auto& stmt = t.json.empty() ? s.delete_todo : s.upsert_todo;
    stmt.bind(1, b.user_id).bind(2, t.id);
    if (!t.json.empty())
      stmt.bind(3, t.json).bind(4, t.wake_at);
    if (auto err = stmt.run())
      return err;
  }
  auto& r = b.request;
  if (r.request_id.empty())
    return caf::none;
  auto& stmt = s.insert_request;
  stmt.bind(1, b.user_id).bind(2, r.request_id).bind(3, r.state);
  // A body that an event of the same batch carries is stored by reference.
  stmt.bind(4, int64_t{r.status})
    .bind(5, r.body_seq > 0 ? std::string{} : r.body);
  stmt.bind(6, r.idempotency_key).bind(7, r.fingerprint);
  return stmt.bind(8, r.created_ms).bind(9, r.body_seq).run();
}

caf::error sqlite_store::commit(const std::vector<user_batch>& batches) {
  auto err = write_all(batches);
  if (err)
    row_log_->rolled_back();
  else
    row_log_->committed();
  return err;
}

caf::error sqlite_store::write_all(const std::vector<user_batch>& batches) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  for (auto& b : batches) {
    if (b.fence.partition >= 0) {
      auto held = stmts_->epoch_of.bind(1, int64_t{b.fence.partition})
                    .run_int();
      if (!held)
        return std::move(held.error());
      if (*held == 0 || *held != b.fence.epoch) // 0: never claimed
        return caf::make_error(
          ec::fenced, "another node claimed a partition of this commit");
    }
    if (auto err = write(b, now_ms))
      return err; // Rolled back by `txn`.
  }
  return txn->commit();
}

caf::expected<std::vector<int64_t>>
sqlite_store::claim_partitions(const std::vector<int32_t>& partitions,
                               const std::vector<int64_t>& published) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  auto claimed = claim_floors(partitions, published);
  for (auto& [p, epoch] : claimed) {
    auto bumped = stmts_->claim.bind(1, int64_t{p}).bind(2, epoch).run_int();
    if (!bumped)
      return std::move(bumped.error());
    epoch = *bumped;
  }
  if (auto err = txn->commit())
    return err;
  std::vector<int64_t> result;
  for (auto p : partitions)
    result.push_back(claimed[p]);
  return result;
}

caf::expected<std::vector<int64_t>>
sqlite_store::current_epochs(const std::vector<int32_t>& partitions) {
  std::vector<int64_t> result;
  for (auto p : partitions) {
    auto epoch = stmts_->epoch_of.bind(1, int64_t{p}).run_int();
    if (!epoch)
      return std::move(epoch.error());
    result.push_back(*epoch);
  }
  return result;
}

caf::expected<int64_t> sqlite_store::last_seq(const std::string& user) {
  return reader_->last_seq(user);
}

caf::expected<user_snapshot> sqlite_store::load_user(const std::string& user) {
  auto rows = reader_->todo_rows(user);
  if (!rows)
    return std::move(rows.error());
  if (auto err = row_log_->overlay(user, *rows))
    return err;
  auto seq = reader_->last_seq(user);
  if (!seq)
    return std::move(seq.error());
  user_snapshot result{{}, *seq};
  result.todos.reserve(rows->size());
  for (auto& row : *rows)
    result.todos.push_back(std::move(row.json));
  return result;
}

caf::expected<std::vector<event_record>>
sqlite_store::read_events(const std::string& user, int64_t after,
                          int64_t limit) {
  return reader_->read_events(user, after, limit);
}

caf::expected<std::optional<request_record>>
sqlite_store::find_request(const std::string& user, const std::string& id) {
  return reader_->find_request(user, id);
}

caf::expected<std::optional<request_record>>
sqlite_store::find_idempotent(const std::string& user, const std::string& key) {
  return reader_->find_idempotent(user, key);
}

caf::error sqlite_store::prune_requests(int64_t cutoff_ms) {
  return stmts_->prune.bind(1, cutoff_ms).run();
}

caf::expected<int64_t> sqlite_store::prune_events(int64_t cutoff_ms,
                                                  int64_t limit) {
  if (auto err = stmts_->prune_events.bind(1, cutoff_ms).bind(2, limit).run())
    return err;
  return int64_t{sqlite3_changes(db_.get())};
}

persistence::deferred_rows sqlite_store::deferred() {
  return {row_log_->size(), deferred_limit_};
}

caf::error sqlite_store::fold(size_t max_rows) {
  return row_log_->fold(max_rows);
}

caf::expected<std::vector<wake_entry>>
sqlite_store::wakes_after(const wake_entry& after, int64_t limit) {
  return row_log_->wakes_after(after, limit,
                               [this](const wake_entry& from, int64_t n) {
                                 return reader_->wakes_after(from, n);
                               });
}

caf::expected<int64_t> sqlite_store::count_wakes() {
  auto stored = reader_->count_wakes();
  if (!stored)
    return stored;
  auto change = row_log_->wake_count_change();
  if (!change)
    return change;
  return *stored + *change;
}

caf::expected<std::vector<outbox_record>>
sqlite_store::read_outbox(int64_t after, int64_t limit) {
  return reader_->read_outbox(after, limit);
}

caf::expected<int64_t> sqlite_store::published_position() {
  return reader_->published_position();
}

caf::error sqlite_store::publish_position(int64_t position) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  if (auto err = stmts_->set_position.bind(1, position).run())
    return err;
  if (auto err = stmts_->delete_outbox.bind(1, position).run())
    return err;
  return txn->commit();
}

caf::error sqlite_store::ping() {
  return caf::none;
}

caf::expected<int64_t> sqlite_store::outbox_backlog() {
  return reader_->outbox_backlog();
}

} // namespace actodo::persistence
