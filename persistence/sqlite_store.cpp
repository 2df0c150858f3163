#include "persistence/sqlite_store.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include <sqlite3.h>

#include "persistence/migrations.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

struct sqlite_store::statements {
  explicit statements(sqlite3* db)
    : insert_event(db, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5)"),
      upsert_todo(db, "INSERT OR REPLACE INTO todos VALUES (?1, ?2, ?3, ?4)"),
      delete_todo(db, "DELETE FROM todos WHERE user_id = ?1 AND id = ?2"),
      insert_request(db, "INSERT OR REPLACE INTO requests VALUES "
                         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
      last_seq(db, "SELECT coalesce(max(seq), 0) FROM events "
                   "WHERE user_id = ?1"),
      load_todos(db, "SELECT json FROM todos WHERE user_id = ?1"),
      read_events(db, "SELECT seq, type, todo_id, json FROM events "
                      "WHERE user_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"),
      find_request(db, "SELECT request_id, state, status, body, "
                       "idempotency_key, fingerprint, created_ms FROM requests "
                       "WHERE user_id = ?1 AND request_id = ?2"),
      find_key(db, "SELECT request_id, state, status, body, idempotency_key, "
                   "fingerprint, created_ms FROM requests "
                   "WHERE user_id = ?1 AND idempotency_key = ?2"),
      prune(db, "DELETE FROM requests WHERE created_ms < ?1"),
      wakes(db, "SELECT wake_at, user_id, id FROM todos WHERE wake_at >= 0 "
                "AND (wake_at, user_id, id) > (?1, ?2, ?3) "
                "ORDER BY wake_at, user_id, id LIMIT ?4"),
      count_wakes(db, "SELECT count(*) FROM todos WHERE wake_at >= 0"),
      insert_outbox(db, "INSERT INTO outbox (user_id, seq) VALUES (?1, ?2)"),
      read_outbox(db, "SELECT o.id, o.user_id, o.seq, e.type, e.json "
                      "FROM outbox o JOIN events e "
                      "ON e.user_id = o.user_id AND e.seq = o.seq "
                      "WHERE o.id > ?1 ORDER BY o.id LIMIT ?2"),
      get_position(db, "SELECT coalesce(max(published), 0) "
                       "FROM kafka_position WHERE name = 'events'"),
      set_position(db, "INSERT OR REPLACE INTO kafka_position "
                       "VALUES ('events', ?1)"),
      delete_outbox(db, "DELETE FROM outbox WHERE id <= ?1"),
      count_outbox(db, "SELECT count(*) FROM outbox") {}

  const sqlite_statement* first_failed() const {
    for (auto s :
         {&insert_event, &upsert_todo, &delete_todo, &insert_request, &last_seq,
          &load_todos, &read_events, &find_request, &find_key, &prune, &wakes,
          &count_wakes, &insert_outbox, &read_outbox, &get_position,
          &set_position, &delete_outbox, &count_outbox})
      if (!s->ok())
        return s;
    return nullptr;
  }

  sqlite_statement insert_event, upsert_todo, delete_todo, insert_request;
  sqlite_statement last_seq, load_todos, read_events, find_request, find_key;
  sqlite_statement prune, wakes, count_wakes;
  sqlite_statement insert_outbox, read_outbox, get_position, set_position;
  sqlite_statement delete_outbox, count_outbox;
};

sqlite_store::sqlite_store(connection db, bool with_outbox)
  : db_(std::move(db)), with_outbox_(with_outbox) {}

sqlite_store::~sqlite_store() = default;

caf::expected<std::unique_ptr<sqlite_store>>
sqlite_store::open(const std::string& data_dir, const std::string& sync,
                   bool with_outbox) {
  if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return sqlite_failure("cannot create data directory " + data_dir + ": "
                          + std::strerror(errno));
  auto pragmas = "PRAGMA synchronous="
                 + std::string{sync == "normal" ? "NORMAL" : "FULL"} + ";";
  auto db = open_database(data_dir, pragmas);
  if (!db)
    return std::move(db.error());
  if (auto err = migrate(db->get(), actodo_migrations()))
    return err;
  std::unique_ptr<sqlite_store> result{
    new sqlite_store(std::move(*db), with_outbox)};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  if (auto bad = result->stmts_->first_failed())
    return sqlite_failure(bad->error());
  return result;
}

caf::error sqlite_store::write_events(const user_batch& b) {
  auto& s = *stmts_;
  for (auto& ev : b.events) {
    s.insert_event.bind(1, b.user_id).bind(2, ev.seq).bind(3, ev.type);
    if (auto err = s.insert_event.bind(4, ev.todo_id).bind(5, ev.json).run())
      return err;
    if (with_outbox_)
      if (auto err = s.insert_outbox.bind(1, b.user_id).bind(2, ev.seq).run())
        return err;
  }
  return caf::none;
}

caf::error sqlite_store::write(const user_batch& b) {
  if (auto err = write_events(b))
    return err;
  auto& s = *stmts_;
  for (auto& t : b.todos) {
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
  stmt.bind(4, int64_t{r.status}).bind(5, r.body);
  stmt.bind(6, r.idempotency_key).bind(7, r.fingerprint);
  return stmt.bind(8, r.created_ms).run();
}

caf::error sqlite_store::commit(const std::vector<user_batch>& batches) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  for (auto& b : batches)
    if (auto err = write(b))
      return err; // Rolled back by `txn`.
  return txn->commit();
}

caf::expected<int64_t> sqlite_store::last_seq(const std::string& user) {
  return stmts_->last_seq.bind(1, user).run_int();
}

caf::expected<user_snapshot> sqlite_store::load_user(const std::string& user) {
  user_snapshot result;
  auto& stmt = stmts_->load_todos;
  stmt.bind(1, user);
  while (stmt.step())
    result.todos.emplace_back(stmt.column_text(0));
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  auto seq = last_seq(user);
  if (!seq)
    return std::move(seq.error());
  result.last_seq = *seq;
  return result;
}

caf::expected<std::vector<event_record>>
sqlite_store::read_events(const std::string& user, int64_t after,
                          int64_t limit) {
  std::vector<event_record> result;
  auto& stmt = stmts_->read_events;
  stmt.bind(1, user).bind(2, after).bind(3, limit);
  // A page is bounded by bytes too; the reader continues after its last
  // sequence.
  size_t bytes = 0;
  while (bytes < max_event_page_bytes && stmt.step()) {
    result.push_back(event_record{stmt.column_int(0), stmt.column_text(1),
                                  stmt.column_text(2), stmt.column_text(3)});
    bytes += result.back().json.size();
  }
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

namespace {

caf::expected<std::optional<request_record>>
read_request(sqlite_statement& stmt) {
  std::optional<request_record> result;
  if (stmt.step()) {
    result = request_record{stmt.column_text(0),
                            stmt.column_text(1),
                            static_cast<int32_t>(stmt.column_int(2)),
                            stmt.column_text(3),
                            stmt.column_text(4),
                            stmt.column_text(5),
                            stmt.column_int(6)};
  }
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

} // namespace

caf::expected<std::optional<request_record>>
sqlite_store::find_request(const std::string& user, const std::string& id) {
  stmts_->find_request.bind(1, user).bind(2, id);
  return read_request(stmts_->find_request);
}

caf::expected<std::optional<request_record>>
sqlite_store::find_idempotent(const std::string& user, const std::string& key) {
  stmts_->find_key.bind(1, user).bind(2, key);
  return read_request(stmts_->find_key);
}

caf::error sqlite_store::prune_requests(int64_t cutoff_ms) {
  return stmts_->prune.bind(1, cutoff_ms).run();
}

caf::expected<std::vector<wake_entry>>
sqlite_store::wakes_after(const wake_entry& after, int64_t limit) {
  std::vector<wake_entry> result;
  auto& stmt = stmts_->wakes;
  stmt.bind(1, after.at).bind(2, after.user_id).bind(3, after.todo_id);
  stmt.bind(4, limit);
  while (stmt.step())
    result.push_back(
      wake_entry{stmt.column_int(0), stmt.column_text(1), stmt.column_text(2)});
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

caf::expected<int64_t> sqlite_store::count_wakes() {
  return stmts_->count_wakes.run_int();
}

caf::expected<std::vector<outbox_record>>
sqlite_store::read_outbox(int64_t after, int64_t limit) {
  std::vector<outbox_record> result;
  auto& stmt = stmts_->read_outbox;
  stmt.bind(1, after).bind(2, limit);
  while (stmt.step())
    result.push_back(outbox_record{stmt.column_int(0), stmt.column_text(1),
                                   stmt.column_int(2), stmt.column_text(3),
                                   stmt.column_text(4)});
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

caf::expected<int64_t> sqlite_store::published_position() {
  return stmts_->get_position.run_int();
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

caf::expected<int64_t> sqlite_store::outbox_backlog() {
  return stmts_->count_outbox.run_int();
}

} // namespace actodo::persistence
