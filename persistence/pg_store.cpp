#include "persistence/pg_store.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "config/error.hpp"
#include "persistence/pg_schema.hpp"

namespace actodo::persistence {

namespace {

/// A request outcome of user `$1` matching `where`, its body read from the
/// event it refers to (`->` on a `json` value keeps the stored text).
std::string request_query(const std::string& where) {
  return "SELECT r.request_id, r.state, r.status, CASE WHEN r.body_seq > 0 "
         "THEN coalesce((SELECT (e.json::json -> 'data')::text FROM events e "
         "WHERE e.user_id = r.user_id AND e.seq = r.body_seq), 'null') "
         "ELSE r.body END, r.idempotency_key, r.fingerprint, r.created_ms, "
         "r.body_seq FROM requests r WHERE r.user_id = $1 AND "
         + where + " LIMIT 1";
}

std::vector<std::pair<std::string, std::string>> statements() {
  return {
    {"insert_event", "INSERT INTO events (user_id, seq, type, todo_id, json, "
                     "time_ms) VALUES ($1, $2, $3, $4, $5, $6)"},
    {"insert_outbox", "INSERT INTO outbox (user_id, seq) VALUES ($1, $2)"},
    {"upsert_todo", "INSERT INTO todos (user_id, id, json, wake_at) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, id) DO "
                    "UPDATE SET json = excluded.json, wake_at = "
                    "excluded.wake_at"},
    {"delete_todo", "DELETE FROM todos WHERE user_id = $1 AND id = $2"},
    {"upsert_request",
     "INSERT INTO requests (user_id, request_id, state, status, body, "
     "idempotency_key, fingerprint, created_ms, body_seq) VALUES ($1, $2, $3, "
     "$4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, request_id) DO UPDATE SET "
     "state = excluded.state, status = excluded.status, body = excluded.body, "
     "idempotency_key = excluded.idempotency_key, fingerprint = "
     "excluded.fingerprint, created_ms = excluded.created_ms, body_seq = "
     "excluded.body_seq"},
    {"prune_requests", "DELETE FROM requests WHERE created_ms < $1"},
    // A user's last event stays (it carries the sequence), and so does what
    // the outbox still has to publish: everything committed before its
    // oldest entry is out.
    {"prune_events",
     "DELETE FROM events WHERE (user_id, seq) IN (SELECT e.user_id, e.seq "
     "FROM events e WHERE e.time_ms < least($1::bigint, coalesce((SELECT "
     "u.time_ms FROM outbox o JOIN events u ON u.user_id = o.user_id AND "
     "u.seq = o.seq ORDER BY o.id LIMIT 1), $1::bigint)) AND e.seq < (SELECT "
     "max(l.seq) FROM events l WHERE l.user_id = e.user_id) LIMIT $2)"},
    {"set_position", "INSERT INTO kafka_position VALUES ('events', $1) ON "
                     "CONFLICT (name) DO UPDATE SET published = "
                     "excluded.published"},
    {"delete_outbox", "DELETE FROM outbox WHERE id <= $1"},
    {"last_seq", "SELECT coalesce(max(seq), 0) FROM events WHERE user_id = $1"},
    {"first_seq",
     "SELECT coalesce(min(seq), 0) FROM events WHERE user_id = $1"},
    {"load_todos", "SELECT json FROM todos WHERE user_id = $1"},
    {"read_events", "SELECT seq, type, todo_id, json FROM events WHERE "
                    "user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"},
    {"find_request", request_query("r.request_id = $2")},
    {"find_key", request_query("r.idempotency_key = $2")},
    {"wakes", "SELECT wake_at, user_id, id FROM todos WHERE wake_at >= 0 AND "
              "(wake_at, user_id, id) > ($1::bigint, $2::text, $3::text) "
              "ORDER BY wake_at, user_id, id LIMIT $4"},
    {"count_wakes", "SELECT count(*) FROM todos WHERE wake_at >= 0"},
    {"read_outbox", "SELECT o.id, o.user_id, o.seq, e.type, e.json FROM "
                    "outbox o JOIN events e ON e.user_id = o.user_id AND "
                    "e.seq = o.seq WHERE o.id > $1 ORDER BY o.id LIMIT $2"},
    {"get_position", "SELECT coalesce(max(published), 0) FROM kafka_position "
                     "WHERE name = 'events'"},
    {"count_outbox", "SELECT count(*) FROM outbox"},
    {"check_fence", "SELECT actodo_check_fence($1::integer[], $2::bigint[])"},
    // Sorted: concurrent claims lock the rows in the same order.
    {"claim", "INSERT INTO partition_epochs (partition, epoch) SELECT p, "
              "f + 1 FROM unnest($1::integer[], $2::bigint[]) AS c(p, f) "
              "ORDER BY p ON CONFLICT (partition) DO UPDATE SET epoch = "
              "greatest(partition_epochs.epoch + 1, EXCLUDED.epoch) "
              "RETURNING partition, epoch"},
    {"epochs", "SELECT partition, epoch FROM partition_epochs WHERE "
               "partition = ANY($1::integer[])"},
  };
}

std::string str(int64_t x) {
  return std::to_string(x);
}

/// A PostgreSQL array literal (`{1,2}`).
template<class T>
std::string array(const std::vector<T>& xs) {
  std::string result = "{";
  for (auto& x : xs) {
    if (result.size() > 1)
      result += ',';
    result += std::to_string(x);
  }
  return result + "}";
}

/// Each partition once, sorted.
std::vector<int32_t> distinct(std::vector<int32_t> xs) {
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  return xs;
}

} // namespace

caf::expected<std::unique_ptr<pg_store>>
pg_store::open(const std::string& conninfo, bool with_outbox) {
  auto db = pg_connection::connect(conninfo);
  if (!db)
    return std::move(db.error());
  if (auto err = pg_migrate(*db))
    return err;
  if (auto err = db->prepare(statements()))
    return err;
  return std::unique_ptr<pg_store>{new pg_store(std::move(*db), with_outbox)};
}

void pg_store::add_calls(const user_batch& b, const std::string& now_ms,
                         std::vector<pg_call>& calls) const {
  for (auto& ev : b.events) {
    calls.push_back(
      {"insert_event",
       {b.user_id, str(ev.seq), ev.type, ev.todo_id, ev.json, now_ms}});
    if (with_outbox_)
      calls.push_back({"insert_outbox", {b.user_id, str(ev.seq)}});
  }
  for (auto& t : b.todos) {
    if (t.json.empty())
      calls.push_back({"delete_todo", {b.user_id, t.id}});
    else
      calls.push_back(
        {"upsert_todo", {b.user_id, t.id, t.json, str(t.wake_at)}});
  }
  auto& r = b.request;
  if (r.request_id.empty())
    return;
  // A body that an event of the same batch carries is stored by reference.
  calls.push_back({"upsert_request",
                   {b.user_id, r.request_id, r.state, str(r.status),
                    r.body_seq > 0 ? std::string{} : r.body, r.idempotency_key,
                    r.fingerprint, str(r.created_ms), str(r.body_seq)}});
}

caf::error pg_store::commit(const std::vector<user_batch>& batches) {
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  auto now = str(now_ms);
  std::vector<pg_call> calls;
  // Every distinct (partition, epoch) of the commit, checked first.
  std::set<std::pair<int32_t, int64_t>> fences;
  for (auto& b : batches)
    if (b.fence.partition >= 0)
      fences.emplace(b.fence.partition, b.fence.epoch);
  if (!fences.empty()) {
    std::vector<int32_t> parts;
    std::vector<int64_t> epochs;
    for (auto& [p, e] : fences) {
      parts.push_back(p);
      epochs.push_back(e);
    }
    calls.push_back({"check_fence", {array(parts), array(epochs)}});
  }
  for (auto& b : batches)
    add_calls(b, now, calls);
  auto err = db_.transaction(calls);
  if (err && db_.last_state() == "AF001")
    return caf::make_error(ec::fenced,
                           "another node claimed a partition of this commit");
  return err;
}

caf::expected<std::vector<int64_t>>
pg_store::epochs(const char* statement, const std::vector<int32_t>& partitions,
                 const pg_params& params) {
  auto rows = db_.query(statement, params);
  if (!rows)
    return std::move(rows.error());
  std::map<int64_t, int64_t> found;
  for (int i = 0; i < rows->size(); ++i)
    found[rows->integer(i, 0)] = rows->integer(i, 1);
  std::vector<int64_t> result;
  for (auto p : partitions)
    result.push_back(found[p]); // 0: never claimed.
  return result;
}

caf::expected<std::vector<int64_t>>
pg_store::claim_partitions(const std::vector<int32_t>& partitions,
                           const std::vector<int64_t>& published) {
  std::vector<int32_t> parts;
  std::vector<int64_t> floors;
  for (auto& [p, floor] : claim_floors(partitions, published)) {
    parts.push_back(p);
    floors.push_back(floor);
  }
  return epochs("claim", partitions, {array(parts), array(floors)});
}

caf::expected<std::vector<int64_t>>
pg_store::current_epochs(const std::vector<int32_t>& partitions) {
  return epochs("epochs", partitions, {array(distinct(partitions))});
}

caf::expected<int64_t> pg_store::single(const char* statement,
                                        const pg_params& params) {
  auto rows = db_.query(statement, params);
  if (!rows)
    return std::move(rows.error());
  return rows->integer(0, 0);
}

caf::expected<int64_t> pg_store::last_seq(const std::string& user) {
  return single("last_seq", {user});
}

caf::expected<user_snapshot> pg_store::load_user(const std::string& user) {
  auto rows = db_.query("load_todos", {user});
  if (!rows)
    return std::move(rows.error());
  user_snapshot result;
  result.todos.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i)
    result.todos.push_back(rows->text(i, 0));
  auto seq = last_seq(user);
  if (!seq)
    return std::move(seq.error());
  result.last_seq = *seq;
  return result;
}

persistence::deferred_rows pg_store::deferred() {
  return {};
}

caf::error pg_store::fold(size_t) {
  return caf::none;
}

caf::expected<std::vector<event_record>>
pg_store::read_events(const std::string& user, int64_t after, int64_t limit) {
  // Events the retention removed: say so rather than skip them.
  auto first = single("first_seq", {user});
  if (!first)
    return std::move(first.error());
  if (*first > after + 1)
    return make_field_error(
      ec::gone, "after",
      "events up to sequence " + std::to_string(*first - 1)
        + " were removed (--event-retention); read the todos "
          "(GET /api/v1/todos) and continue after sequence "
        + std::to_string(*first - 1));
  auto rows = db_.query("read_events", {user, str(after), str(limit)});
  if (!rows)
    return std::move(rows.error());
  // A page is bounded by bytes too; the reader continues after its last
  // sequence.
  std::vector<event_record> result;
  size_t bytes = 0;
  for (int i = 0; i < rows->size() && bytes < max_event_page_bytes; ++i) {
    result.push_back({rows->integer(i, 0), rows->text(i, 1), rows->text(i, 2),
                      rows->text(i, 3)});
    bytes += result.back().json.size();
  }
  return result;
}

caf::expected<std::optional<request_record>>
pg_store::read_request(const char* statement, const pg_params& params) {
  auto rows = db_.query(statement, params);
  if (!rows)
    return std::move(rows.error());
  if (rows->empty())
    return std::optional<request_record>{};
  auto& r = *rows;
  return request_record{
    r.text(0, 0),    r.text(0, 1),   static_cast<int32_t>(r.integer(0, 2)),
    r.text(0, 3),    r.text(0, 4),   r.text(0, 5),
    r.integer(0, 6), r.integer(0, 7)};
}

caf::expected<std::optional<request_record>>
pg_store::find_request(const std::string& user, const std::string& id) {
  return read_request("find_request", {user, id});
}

caf::expected<std::optional<request_record>>
pg_store::find_idempotent(const std::string& user, const std::string& key) {
  return read_request("find_key", {user, key});
}

caf::error pg_store::prune_requests(int64_t cutoff_ms) {
  auto n = db_.change("prune_requests", {str(cutoff_ms)});
  return n ? caf::error{} : std::move(n.error());
}

caf::expected<int64_t> pg_store::prune_events(int64_t cutoff_ms,
                                              int64_t limit) {
  return db_.change("prune_events", {str(cutoff_ms), str(limit)});
}

caf::expected<std::vector<wake_entry>>
pg_store::wakes_after(const wake_entry& after, int64_t limit) {
  auto rows = db_.query("wakes", {str(after.at), after.user_id, after.todo_id,
                                  str(limit)});
  if (!rows)
    return std::move(rows.error());
  std::vector<wake_entry> result;
  result.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i)
    result.push_back({rows->integer(i, 0), rows->text(i, 1), rows->text(i, 2)});
  return result;
}

caf::expected<int64_t> pg_store::count_wakes() {
  return single("count_wakes", {});
}

caf::expected<std::vector<outbox_record>> pg_store::read_outbox(int64_t after,
                                                                int64_t limit) {
  auto rows = db_.query("read_outbox", {str(after), str(limit)});
  if (!rows)
    return std::move(rows.error());
  std::vector<outbox_record> result;
  result.reserve(static_cast<size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i)
    result.push_back({rows->integer(i, 0), rows->text(i, 1),
                      rows->integer(i, 2), rows->text(i, 3), rows->text(i, 4)});
  return result;
}

caf::expected<int64_t> pg_store::published_position() {
  return single("get_position", {});
}

caf::error pg_store::publish_position(int64_t position) {
  return db_.transaction(
    {{"set_position", {str(position)}}, {"delete_outbox", {str(position)}}});
}

caf::error pg_store::ping() {
  return db_.ping();
}

caf::expected<int64_t> pg_store::outbox_backlog() {
  return single("count_outbox", {});
}

} // namespace actodo::persistence
