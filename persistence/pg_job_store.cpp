#include "persistence/pg_job_store.hpp"

#include <algorithm>

#include "config/error.hpp"
#include "persistence/binary_values.hpp"
#include "persistence/pg_schema.hpp"

namespace actodo::persistence {

namespace {

/// SQLSTATE of a unique constraint violation.
constexpr const char* unique_violation = "23505";

constexpr const char* job_columns = "id, user_id, node, format, state, total, "
                                    "done, failed, detail, "
                                    "created_ms, updated_ms, lease_until_ms, "
                                    "idempotency_key, fingerprint";

/// The states that are not final, as an SQL list.
const std::string active = "('queued', 'running')";

std::string select_jobs(const std::string& where) {
  return std::string{"SELECT "} + job_columns + " FROM jobs " + where;
}

/// The new row, unless the user has $12 unfinished jobs already (no row
/// then); $13 is its lease, $14 and $15 its idempotency key and
/// fingerprint. The payload travels as hex.
std::string insert_job() {
  return std::string{"INSERT INTO jobs ("} + job_columns
         + ", payload) SELECT $1::text, $2::text, $3::text, $4::text, "
           "'queued', $5::bigint, $6::bigint, $7::bigint, $8::text, "
           "$9::bigint, $10::bigint, $13::bigint, $14::text, $15::text, "
           "decode($11::text, 'hex') "
           "WHERE (SELECT count(*) FROM jobs WHERE user_id = $2 AND state IN "
         + active + ") < $12::bigint RETURNING id";
}

/// One statement (so all of it or none takes effect): the job's progress,
/// only while it is unfinished and node $12 holds it, and then (only when
/// it was) its errors ($7-$9: index, field and detail arrays) and the UIDs
/// of its user ($10-$11: UID and todo id arrays). Answers how many jobs
/// changed.
std::string record_progress_sql() {
  return "WITH job AS (UPDATE jobs SET state = $2::text, done = $3, "
         "failed = $4, detail = $5, updated_ms = $6, "
         "notify = CASE WHEN $2::text IN ('done', 'failed') THEN 1 ELSE 0 END, "
         "payload = CASE WHEN $2::text IN "
         + active
         + " THEN payload END WHERE id = $1 AND node = $12::text AND state IN "
         + active
         + " RETURNING id, user_id), "
           "errors AS (INSERT INTO job_errors (job_id, idx, field, detail) "
           "SELECT job.id, e.idx, e.field, e.detail FROM job, "
           "unnest($7::bigint[], $8::text[], $9::text[]) AS e(idx, field, "
           "detail) ON CONFLICT (job_id, idx) DO UPDATE SET "
           "field = excluded.field, detail = excluded.detail), "
           "uids AS (INSERT INTO import_uids (user_id, uid, todo_id) "
           "SELECT job.user_id, u.uid, u.todo_id FROM job, "
           "unnest($10::text[], $11::text[]) AS u(uid, todo_id) "
           "ON CONFLICT (user_id, uid) DO UPDATE SET "
           "todo_id = excluded.todo_id) "
           "SELECT count(*) FROM job";
}

/// One statement: node $1 takes up to $5 unfinished jobs, oldest first,
/// its own except those in $2 (a text array) and other nodes' whose lease
/// ended before $3, leased until $4. `SKIP LOCKED`: a job another node is
/// taking at the same moment is left to it (its row lock is held until
/// that node commits, and a row changed meanwhile is checked again).
std::string claim_jobs_sql() {
  return "UPDATE jobs SET node = $1::text, lease_until_ms = $4::bigint "
         "WHERE id IN (SELECT id FROM jobs WHERE state IN "
         + active
         + " AND ((node = $1::text AND NOT (id = ANY($2::text[]))) "
           "OR (node <> $1::text AND lease_until_ms < $3::bigint)) "
           "ORDER BY created_ms, id LIMIT $5::bigint "
           "FOR UPDATE SKIP LOCKED) RETURNING "
         + job_columns;
}

std::vector<std::pair<std::string, std::string>> statements() {
  return {
    // Serializes the creations of one user's jobs across nodes (the count
    // in insert_job is then exact); the two-key form never meets the
    // one-key lock of the migrations, key 2 never the webhooks' 1.
    {"lock_user_jobs", "SELECT pg_advisory_xact_lock(2, hashtext($1))"},
    {"insert_job", insert_job()},
    {"find_job", select_jobs("WHERE user_id = $1 AND id = $2")},
    // The last term lets PostgreSQL use the partial index `jobs_by_key`.
    {"find_keyed_job", select_jobs("WHERE user_id = $1 AND idempotency_key = "
                                   "$2 AND idempotency_key <> ''")},
    {"job_errors", "SELECT idx, field, detail FROM job_errors "
                   "WHERE job_id = $1 ORDER BY idx LIMIT $2"},
    {"unfinished_jobs", select_jobs("WHERE node = $1 AND state IN " + active
                                    + " ORDER BY created_ms, id")},
    {"claim_jobs", claim_jobs_sql()},
    {"renew_jobs", "UPDATE jobs SET lease_until_ms = $3::bigint "
                   "WHERE node = $1 AND id = ANY($2::text[])"},
    {"job_payload", "SELECT encode(payload, 'hex') FROM jobs WHERE id = $1 "
                    "AND state IN "
                      + active},
    {"record_job_progress", record_progress_sql()},
    {"cancel_job", "UPDATE jobs SET state = 'cancelled', updated_ms = $3, "
                   "payload = NULL WHERE user_id = $1 AND id = $2 "
                   "AND state IN "
                     + active + " RETURNING " + job_columns},
    {"imported_uids", "SELECT uid, todo_id FROM import_uids "
                      "WHERE user_id = $1 AND uid = ANY($2::text[])"},
    {"owed_notifications",
     select_jobs("WHERE notify = 1 AND updated_ms < $1::bigint "
                 "ORDER BY updated_ms LIMIT $2::bigint")},
    {"job_notified", "UPDATE jobs SET notify = 0 WHERE id = $1"},
  };
}

/// A key the user gave another job already (`id`: that job, if known).
caf::error key_taken(const std::string& id) {
  return make_field_error(ec::conflict, "Idempotency-Key",
                          "the key is taken by "
                            + (id.empty() ? std::string{"another job"}
                                          : "job " + id));
}

/// A PostgreSQL array literal of strings (`{"a","b\"c"}`).
template<class Range>
std::string text_array(const Range& xs) {
  std::string result = "{";
  for (const std::string& x : xs) {
    if (result.size() > 1)
      result += ',';
    result += '"';
    for (auto c : x) {
      if (c == '"' || c == '\\')
        result += '\\';
      result += c;
    }
    result += '"';
  }
  result += '}';
  return result;
}

/// Every row of a result that selects `job_columns`.
std::vector<job_record> jobs_of(const pg_rows& rows) {
  std::vector<job_record> result;
  for (int r = 0; r < rows.size(); ++r) {
    job_record job;
    job.id = rows.text(r, 0);
    job.user_id = rows.text(r, 1);
    job.node = rows.text(r, 2);
    job.format = rows.text(r, 3);
    job.state = rows.text(r, 4);
    job.total = rows.integer(r, 5);
    job.done = rows.integer(r, 6);
    job.failed = rows.integer(r, 7);
    job.detail = rows.text(r, 8);
    job.created_ms = rows.integer(r, 9);
    job.updated_ms = rows.integer(r, 10);
    job.lease_until_ms = rows.integer(r, 11);
    job.idempotency_key = rows.text(r, 12);
    job.fingerprint = rows.text(r, 13);
    result.push_back(std::move(job));
  }
  return result;
}

} // namespace

caf::expected<std::unique_ptr<pg_job_store>>
pg_job_store::open(const std::string& conninfo) {
  auto db = pg_connection::connect(conninfo);
  if (!db)
    return std::move(db.error());
  if (auto err = pg_migrate(*db))
    return err;
  if (auto err = db->prepare(statements()))
    return err;
  return std::unique_ptr<pg_job_store>{new pg_job_store(std::move(*db))};
}

caf::error pg_job_store::create_job(const job_record& job,
                                    const std::string& payload,
                                    int64_t max_active) {
  if (auto err = db_.execute("BEGIN"))
    return err;
  auto fail = [this](caf::error err) {
    // The connection may be gone; a rollback is all that is left to try.
    static_cast<void>(db_.execute("ROLLBACK"));
    return err;
  };
  if (auto lock = db_.query("lock_user_jobs", {job.user_id}); !lock)
    return fail(std::move(lock.error()));
  // Before the limit: a retried upload is told about its job, not refused.
  // (Under the lock no other node creates a job of this user meanwhile.)
  if (!job.idempotency_key.empty()) {
    auto taken = read_jobs("find_keyed_job",
                           {job.user_id, job.idempotency_key});
    if (!taken)
      return fail(std::move(taken.error()));
    if (!taken->empty())
      return fail(key_taken(taken->front().id));
  }
  auto rows = db_.query(
    "insert_job",
    {job.id, job.user_id, job.node, job.format, std::to_string(job.total),
     std::to_string(job.done), std::to_string(job.failed), job.detail,
     std::to_string(job.created_ms), std::to_string(job.updated_ms),
     encode_hex(payload), std::to_string(max_active),
     std::to_string(job.lease_until_ms), job.idempotency_key, job.fingerprint});
  if (!rows) {
    if (db_.last_state() == unique_violation) {
      // Which constraint: the message names it.
      if (describe(rows.error()).find("jobs_by_key") != std::string::npos)
        return fail(key_taken(""));
      return fail(caf::make_error(ec::conflict, "job id taken: " + job.id));
    }
    return fail(std::move(rows.error()));
  }
  if (rows->empty())
    return fail(make_field_error(
      ec::limit_exceeded, "jobs",
      "a user has at most " + std::to_string(max_active) + " unfinished jobs"));
  if (auto err = db_.execute("COMMIT"))
    return fail(std::move(err));
  return caf::none;
}

caf::expected<std::vector<job_record>>
pg_job_store::read_jobs(const char* statement, const pg_params& args) {
  auto rows = db_.query(statement, args);
  if (!rows)
    return std::move(rows.error());
  return jobs_of(*rows);
}

caf::expected<std::optional<job_record>>
pg_job_store::find_keyed_job(const std::string& user_id,
                             const std::string& key) {
  auto jobs = read_jobs("find_keyed_job", {user_id, key});
  if (!jobs)
    return std::move(jobs.error());
  if (jobs->empty())
    return std::optional<job_record>{};
  return std::move(jobs->front());
}

caf::expected<std::optional<job_record>>
pg_job_store::find_job(const std::string& user_id, const std::string& id) {
  auto jobs = read_jobs("find_job", {user_id, id});
  if (!jobs)
    return std::move(jobs.error());
  if (jobs->empty())
    return std::optional<job_record>{};
  return std::move(jobs->front());
}

caf::expected<std::vector<job_error>>
pg_job_store::job_errors(const std::string& id, int64_t limit) {
  auto rows = db_.query("job_errors",
                        {id, std::to_string(std::max(limit, int64_t{0}))});
  if (!rows)
    return std::move(rows.error());
  std::vector<job_error> result;
  for (int r = 0; r < rows->size(); ++r)
    result.push_back({rows->integer(r, 0), rows->text(r, 1), rows->text(r, 2)});
  return result;
}

caf::expected<std::vector<job_record>>
pg_job_store::unfinished_jobs(const std::string& node) {
  return read_jobs("unfinished_jobs", {node});
}

caf::expected<std::vector<job_record>>
pg_job_store::claim_jobs(const std::string& node,
                         const std::vector<std::string>& running,
                         int64_t now_ms, int64_t lease_until_ms,
                         int64_t limit) {
  if (limit <= 0)
    return std::vector<job_record>{};
  auto jobs = read_jobs(
    "claim_jobs", {node, text_array(running), std::to_string(now_ms),
                   std::to_string(lease_until_ms), std::to_string(limit)});
  if (!jobs)
    return jobs;
  // RETURNING keeps no order.
  std::sort(jobs->begin(), jobs->end(), [](const auto& x, const auto& y) {
    return x.created_ms != y.created_ms ? x.created_ms < y.created_ms
                                        : x.id < y.id;
  });
  return jobs;
}

caf::error pg_job_store::renew_jobs(const std::string& node,
                                    const std::vector<std::string>& ids,
                                    int64_t lease_until_ms) {
  if (ids.empty())
    return caf::none;
  auto rows = db_.query("renew_jobs", {node, text_array(ids),
                                       std::to_string(lease_until_ms)});
  if (!rows)
    return std::move(rows.error());
  return caf::none;
}

caf::expected<std::string> pg_job_store::job_payload(const std::string& id) {
  auto rows = db_.query("job_payload", {id});
  if (!rows)
    return std::move(rows.error());
  if (rows->empty() || rows->null(0, 0))
    return std::string{};
  return decode_hex(rows->text(0, 0));
}

caf::expected<bool> pg_job_store::record_progress(const job_progress& x) {
  // By index, the last one winning (one INSERT .. ON CONFLICT may not
  // touch a row twice).
  std::map<int64_t, const job_error*> errors;
  for (auto& e : x.errors)
    errors[e.index] = &e;
  std::vector<std::string> indexes, fields, details, uids, todo_ids;
  for (auto& [index, e] : errors) {
    indexes.push_back(std::to_string(index));
    fields.push_back(e->field);
    details.push_back(e->detail);
  }
  for (auto& [uid, todo_id] : x.uids) {
    uids.push_back(uid);
    todo_ids.push_back(todo_id);
  }
  auto rows = db_.query(
    "record_job_progress",
    {x.id, x.state, std::to_string(x.done), std::to_string(x.failed), x.detail,
     std::to_string(x.updated_ms), text_array(indexes), text_array(fields),
     text_array(details), text_array(uids), text_array(todo_ids), x.node});
  if (!rows)
    return std::move(rows.error());
  return rows->integer(0, 0) > 0;
}

caf::expected<job_record> pg_job_store::cancel_job(const std::string& user_id,
                                                   const std::string& id,
                                                   int64_t updated_ms) {
  auto cancelled = read_jobs("cancel_job",
                             {user_id, id, std::to_string(updated_ms)});
  if (!cancelled)
    return std::move(cancelled.error());
  if (!cancelled->empty())
    return std::move(cancelled->front());
  auto job = find_job(user_id, id);
  if (!job)
    return std::move(job.error());
  if (!*job)
    return caf::make_error(ec::not_found, "no job " + id);
  return caf::make_error(ec::conflict,
                         "job " + id + " is " + (*job)->state + " already");
}

caf::expected<std::vector<job_record>>
pg_job_store::owed_notifications(int64_t ended_before_ms, int64_t limit) {
  return read_jobs("owed_notifications",
                   {std::to_string(ended_before_ms), std::to_string(limit)});
}

caf::error pg_job_store::notified(const std::string& id) {
  auto rows = db_.query("job_notified", {id});
  if (!rows)
    return std::move(rows.error());
  return caf::none;
}

caf::expected<std::map<std::string, std::string>>
pg_job_store::imported_uids(const std::string& user_id,
                            const std::vector<std::string>& uids) {
  std::map<std::string, std::string> result;
  if (uids.empty())
    return result;
  auto rows = db_.query("imported_uids", {user_id, text_array(uids)});
  if (!rows)
    return std::move(rows.error());
  for (int r = 0; r < rows->size(); ++r)
    result.emplace(rows->text(r, 0), rows->text(r, 1));
  return result;
}

} // namespace actodo::persistence
