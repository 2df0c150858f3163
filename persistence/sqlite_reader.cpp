#include "persistence/sqlite_reader.hpp"

#include "config/error.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/store.hpp"

namespace actodo::persistence {

namespace {

/// A request outcome of user `?1` matching `where`, its body read from the
/// event it refers to (`json_extract` renders the data object as stored).
std::string request_query(const std::string& where) {
  return "SELECT r.request_id, r.state, r.status, CASE WHEN r.body_seq > 0 "
         "THEN coalesce((SELECT json_extract(e.json, '$.data') FROM events e "
         "WHERE e.user_id = r.user_id AND e.seq = r.body_seq), 'null') "
         "ELSE r.body END, r.idempotency_key, r.fingerprint, r.created_ms, "
         "r.body_seq FROM requests r WHERE r.user_id = ?1 AND "
         + where;
}

} // namespace

struct sqlite_reader::statements {
  explicit statements(sqlite3* db)
    : last_seq(db, "SELECT coalesce(max(seq), 0) FROM events "
                   "WHERE user_id = ?1"),
      first_seq(db, "SELECT coalesce(min(seq), 0) FROM events "
                    "WHERE user_id = ?1"),
      load_todos(db, "SELECT id, json, wake_at FROM todos WHERE user_id = ?1"),
      read_events(db, "SELECT seq, type, todo_id, json FROM events "
                      "WHERE user_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"),
      find_request(db, request_query("r.request_id = ?2")),
      find_key(db, request_query("r.idempotency_key = ?2")),
      wakes(db, "SELECT wake_at, user_id, id FROM todos WHERE wake_at >= 0 "
                "AND (wake_at, user_id, id) > (?1, ?2, ?3) "
                "ORDER BY wake_at, user_id, id LIMIT ?4"),
      count_wakes(db, "SELECT count(*) FROM todos WHERE wake_at >= 0"),
      read_outbox(db, "SELECT o.id, o.user_id, o.seq, e.type, e.json "
                      "FROM outbox o JOIN events e "
                      "ON e.user_id = o.user_id AND e.seq = o.seq "
                      "WHERE o.id > ?1 ORDER BY o.id LIMIT ?2"),
      get_position(db, "SELECT coalesce(max(published), 0) "
                       "FROM kafka_position WHERE name = 'events'"),
      count_outbox(db, "SELECT count(*) FROM outbox") {}

  const sqlite_statement* first_failed() const {
    for (auto s : {&last_seq, &first_seq, &load_todos, &read_events,
                   &find_request, &find_key, &wakes, &count_wakes, &read_outbox,
                   &get_position, &count_outbox})
      if (!s->ok())
        return s;
    return nullptr;
  }

  sqlite_statement last_seq, first_seq, load_todos, read_events;
  sqlite_statement find_request, find_key;
  sqlite_statement wakes, count_wakes, read_outbox, get_position;
  sqlite_statement count_outbox;
};

namespace {

/// Steps through the rows while `more()` holds, appending `row(stmt)`.
template<class T, class Row, class More>
caf::expected<std::vector<T>>
collect(sqlite_statement& stmt, Row row, More more) {
  std::vector<T> result;
  while (more(result) && stmt.step())
    result.push_back(row(stmt));
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

template<class T, class Row>
caf::expected<std::vector<T>> collect(sqlite_statement& stmt, Row row) {
  return collect<T>(stmt, row, [](const std::vector<T>&) { return true; });
}

caf::expected<std::optional<request_record>>
read_request(sqlite_statement& stmt) {
  auto rows = collect<request_record>(
    stmt,
    [](sqlite_statement& s) {
      return request_record{s.column_text(0),
                            s.column_text(1),
                            static_cast<int32_t>(s.column_int(2)),
                            s.column_text(3),
                            s.column_text(4),
                            s.column_text(5),
                            s.column_int(6),
                            s.column_int(7)};
    },
    [](const std::vector<request_record>& xs) { return xs.empty(); });
  if (!rows)
    return std::move(rows.error());
  if (rows->empty())
    return std::optional<request_record>{};
  return std::move(rows->front());
}

} // namespace

sqlite_reader::sqlite_reader(connection db) : db_(std::move(db)) {}

sqlite_reader::~sqlite_reader() = default;

caf::expected<std::unique_ptr<sqlite_reader>>
sqlite_reader::open(const std::string& path) {
  auto db = open_read_only(path);
  if (!db)
    return std::move(db.error());
  std::unique_ptr<sqlite_reader> result{new sqlite_reader(std::move(*db))};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  if (auto bad = result->stmts_->first_failed())
    return sqlite_failure(bad->error());
  return result;
}

caf::expected<int64_t> sqlite_reader::last_seq(const std::string& user) {
  return stmts_->last_seq.bind(1, user).run_int();
}

caf::expected<std::vector<todo_record>>
sqlite_reader::todo_rows(const std::string& user) {
  return collect<todo_record>(
    stmts_->load_todos.bind(1, user), [](sqlite_statement& s) {
      return todo_record{s.column_text(0), s.column_text(1), s.column_int(2)};
    });
}

caf::expected<std::vector<event_record>>
sqlite_reader::read_events(const std::string& user, int64_t after,
                           int64_t limit) {
  // Events the retention removed: say so rather than skip them.
  auto first = stmts_->first_seq.bind(1, user).run_int();
  if (!first)
    return std::move(first.error());
  if (*first > after + 1)
    return make_field_error(
      ec::gone, "after",
      "events up to sequence " + std::to_string(*first - 1)
        + " were removed (--event-retention); read the todos "
          "(GET /api/v1/todos) and continue after sequence "
        + std::to_string(*first - 1));
  // A page is bounded by bytes too; the reader continues after its last
  // sequence.
  size_t bytes = 0;
  return collect<event_record>(
    stmts_->read_events.bind(1, user).bind(2, after).bind(3, limit),
    [&bytes](sqlite_statement& s) {
      event_record ev{s.column_int(0), s.column_text(1), s.column_text(2),
                      s.column_text(3)};
      bytes += ev.json.size();
      return ev;
    },
    [&bytes](const std::vector<event_record>&) {
      return bytes < max_event_page_bytes;
    });
}

caf::expected<std::optional<request_record>>
sqlite_reader::find_request(const std::string& user, const std::string& id) {
  return read_request(stmts_->find_request.bind(1, user).bind(2, id));
}

caf::expected<std::optional<request_record>>
sqlite_reader::find_idempotent(const std::string& user,
                               const std::string& key) {
  return read_request(stmts_->find_key.bind(1, user).bind(2, key));
}

caf::expected<std::vector<wake_entry>>
sqlite_reader::wakes_after(const wake_entry& after, int64_t limit) {
  auto& stmt = stmts_->wakes;
  stmt.bind(1, after.at).bind(2, after.user_id).bind(3, after.todo_id);
  return collect<wake_entry>(stmt.bind(4, limit), [](sqlite_statement& s) {
    return wake_entry{s.column_int(0), s.column_text(1), s.column_text(2)};
  });
}

caf::expected<int64_t> sqlite_reader::count_wakes() {
  return stmts_->count_wakes.run_int();
}

caf::expected<std::vector<outbox_record>>
sqlite_reader::read_outbox(int64_t after, int64_t limit) {
  return collect<outbox_record>(
    stmts_->read_outbox.bind(1, after).bind(2, limit), [](sqlite_statement& s) {
      return outbox_record{s.column_int(0), s.column_text(1), s.column_int(2),
                           s.column_text(3), s.column_text(4)};
    });
}

caf::expected<int64_t> sqlite_reader::published_position() {
  return stmts_->get_position.run_int();
}

caf::expected<int64_t> sqlite_reader::outbox_backlog() {
  return stmts_->count_outbox.run_int();
}

} // namespace actodo::persistence
