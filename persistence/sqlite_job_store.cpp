#include "persistence/sqlite_job_store.hpp"

#include <algorithm>
#include <set>

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/binary_values.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

namespace {

constexpr const char* job_columns = "id, user_id, node, format, state, total, "
                                    "done, failed, detail, "
                                    "created_ms, updated_ms, lease_until_ms, "
                                    "idempotency_key, fingerprint";

/// The states that are not final, as an SQL list.
constexpr const char* active = "('queued', 'running')";

std::string select_jobs(const std::string& where) {
  return std::string{"SELECT "} + job_columns + " FROM jobs " + where;
}

} // namespace

struct sqlite_job_store::statements {
  explicit statements(sqlite3* db)
    : count_active(db, std::string{"SELECT count(*) FROM jobs "
                                   "WHERE user_id = ?1 AND state IN "}
                         + active),
      // The payload is a zeroblob of its size, filled by `write_blob`.
      insert(db, std::string{"INSERT INTO jobs ("} + job_columns
                   + ", payload) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, "
                     "?7, ?8, ?9, ?10, ?12, ?13, ?14, zeroblob(?11))"),
      find(db, select_jobs("WHERE user_id = ?1 AND id = ?2")),
      // The last term lets SQLite use the partial index `jobs_by_key`.
      find_key(db, select_jobs("WHERE user_id = ?1 AND idempotency_key = ?2 "
                               "AND idempotency_key <> ''")),
      find_by_id(db, select_jobs("WHERE id = ?1")),
      errors(db, "SELECT idx, field, detail FROM job_errors "
                 "WHERE job_id = ?1 ORDER BY idx LIMIT ?2"),
      unfinished(db, select_jobs(std::string{"WHERE node = ?1 AND state IN "}
                                 + active + " ORDER BY created_ms, id")),
      // Those of ?1 (the ones it runs are left out afterwards: ?3 is the
      // limit plus their number) and those whose lease ended before ?2.
      candidates(db, std::string{"SELECT id, node FROM jobs WHERE state IN "}
                       + active
                       + " AND (node = ?1 OR lease_until_ms < ?2) "
                         "ORDER BY created_ms, id LIMIT ?3"),
      claim(db, std::string{"UPDATE jobs SET node = ?2, lease_until_ms = ?3 "
                            "WHERE id = ?1 AND (node = ?2 OR lease_until_ms "
                            "< ?4) AND state IN "}
                  + active),
      renew(db, "UPDATE jobs SET lease_until_ms = ?3 "
                "WHERE id = ?2 AND node = ?1"),
      payload(db, std::string{"SELECT payload FROM jobs WHERE id = ?1 "
                              "AND state IN "}
                    + active),
      progress(db, std::string{"UPDATE jobs SET state = ?2, done = ?3, "
                               "failed = ?4, detail = ?5, updated_ms = ?6, "
                               "notify = ?2 IN ('done', 'failed'), "
                               "payload = CASE WHEN ?2 IN "}
                     + active
                     + " THEN payload END WHERE id = ?1 AND node = ?7 "
                       "AND state IN "
                     + active),
      insert_error(db, "INSERT OR REPLACE INTO job_errors "
                       "(job_id, idx, field, detail) VALUES (?1, ?2, ?3, ?4)"),
      // The WHERE tells SQLite's parser that ON CONFLICT is the upsert's.
      upsert_uid(db, "INSERT INTO import_uids (user_id, uid, todo_id) "
                     "SELECT user_id, ?2, ?3 FROM jobs WHERE id = ?1 "
                     "ON CONFLICT (user_id, uid) "
                     "DO UPDATE SET todo_id = excluded.todo_id"),
      cancel(db, std::string{"UPDATE jobs SET state = 'cancelled', "
                             "updated_ms = ?3, payload = NULL "
                             "WHERE user_id = ?1 AND id = ?2 AND state IN "}
                   + active),
      uid(db, "SELECT todo_id FROM import_uids "
              "WHERE user_id = ?1 AND uid = ?2"),
      owed(db, select_jobs("WHERE notify = 1 AND updated_ms < ?1 "
                           "ORDER BY updated_ms LIMIT ?2")),
      notified(db, "UPDATE jobs SET notify = 0 WHERE id = ?1") {}

  sqlite_statement count_active, insert, find, find_key, find_by_id, errors,
    unfinished, candidates, claim, renew, payload, progress, insert_error,
    upsert_uid, cancel, uid, owed, notified;
};

sqlite_job_store::sqlite_job_store(connection db) : db_(std::move(db)) {}

sqlite_job_store::~sqlite_job_store() = default;

caf::expected<std::unique_ptr<sqlite_job_store>>
sqlite_job_store::open(const std::string& path) {
  auto db = open_database(path, "PRAGMA synchronous=FULL;");
  if (!db)
    return std::move(db.error());
  if (auto err = migrate(db->get(), actodo_migrations()))
    return err;
  std::unique_ptr<sqlite_job_store> result{
    new sqlite_job_store(std::move(*db))};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  auto& s = *result->stmts_;
  for (auto stmt :
       {&s.count_active, &s.insert, &s.find, &s.find_key, &s.find_by_id,
        &s.errors, &s.unfinished, &s.candidates, &s.claim, &s.renew, &s.payload,
        &s.progress, &s.insert_error, &s.upsert_uid, &s.cancel, &s.uid, &s.owed,
        &s.notified})
    if (!stmt->ok())
      return sqlite_failure(stmt->error());
  return result;
}

namespace {

/// A key the user gave another job already (`id`: that job, if known).
caf::error key_taken(const std::string& id) {
  return make_field_error(ec::conflict, "Idempotency-Key",
                          "the key is taken by "
                            + (id.empty() ? std::string{"another job"}
                                          : "job " + id));
}

/// Every row of a statement that selects `job_columns`.
caf::expected<std::vector<job_record>> read_jobs(sqlite_statement& stmt) {
  std::vector<job_record> result;
  while (stmt.step()) {
    job_record job;
    job.id = stmt.column_text(0);
    job.user_id = stmt.column_text(1);
    job.node = stmt.column_text(2);
    job.format = stmt.column_text(3);
    job.state = stmt.column_text(4);
    job.total = stmt.column_int(5);
    job.done = stmt.column_int(6);
    job.failed = stmt.column_int(7);
    job.detail = stmt.column_text(8);
    job.created_ms = stmt.column_int(9);
    job.updated_ms = stmt.column_int(10);
    job.lease_until_ms = stmt.column_int(11);
    job.idempotency_key = stmt.column_text(12);
    job.fingerprint = stmt.column_text(13);
    result.push_back(std::move(job));
  }
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

} // namespace

caf::error sqlite_job_store::create_job(const job_record& job,
                                        const std::string& payload,
                                        int64_t max_active) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  // Before the limit: a retried upload is told about its job, not refused.
  if (!job.idempotency_key.empty()) {
    auto taken = read_jobs(
      stmts_->find_key.bind(1, job.user_id).bind(2, job.idempotency_key));
    if (!taken)
      return std::move(taken.error());
    if (!taken->empty())
      return key_taken(taken->front().id);
  }
  auto count = stmts_->count_active.bind(1, job.user_id).run_int();
  if (!count)
    return std::move(count.error());
  if (*count >= max_active)
    return make_field_error(ec::limit_exceeded, "jobs",
                            "a user has at most " + std::to_string(max_active)
                              + " unfinished jobs");
  auto& stmt = stmts_->insert;
  stmt.bind(1, job.id).bind(2, job.user_id).bind(3, job.node);
  stmt.bind(4, job.format).bind(5, job.total).bind(6, job.done);
  stmt.bind(7, job.failed).bind(8, job.detail).bind(9, job.created_ms);
  stmt.bind(10, job.updated_ms).bind(11, static_cast<int64_t>(payload.size()));
  stmt.bind(12, job.lease_until_ms).bind(13, job.idempotency_key);
  stmt.bind(14, job.fingerprint);
  stmt.step();
  if (!stmt.ok()) {
    auto code = sqlite3_extended_errcode(db_.get());
    // "UNIQUE constraint failed: jobs.user_id, jobs.idempotency_key".
    auto key = stmt.error().find("idempotency_key") != std::string::npos;
    auto err = stmt.fail();
    if (code == SQLITE_CONSTRAINT_UNIQUE && key)
      return key_taken("");
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY
        || code == SQLITE_CONSTRAINT_UNIQUE)
      return caf::make_error(ec::conflict, "job id taken: " + job.id);
    return err;
  }
  stmt.reset();
  if (auto err = write_blob(db_.get(), "jobs", "payload",
                            sqlite3_last_insert_rowid(db_.get()), payload))
    return err;
  return txn->commit();
}

caf::expected<std::optional<job_record>>
sqlite_job_store::find_keyed_job(const std::string& user_id,
                                 const std::string& key) {
  auto jobs = read_jobs(stmts_->find_key.bind(1, user_id).bind(2, key));
  if (!jobs)
    return std::move(jobs.error());
  if (jobs->empty())
    return std::optional<job_record>{};
  return std::move(jobs->front());
}

caf::expected<std::optional<job_record>>
sqlite_job_store::find_job(const std::string& user_id, const std::string& id) {
  auto jobs = read_jobs(stmts_->find.bind(1, user_id).bind(2, id));
  if (!jobs)
    return std::move(jobs.error());
  if (jobs->empty())
    return std::optional<job_record>{};
  return std::move(jobs->front());
}

caf::expected<std::vector<job_error>>
sqlite_job_store::job_errors(const std::string& id, int64_t limit) {
  auto& stmt = stmts_->errors;
  stmt.bind(1, id).bind(2, std::max(limit, int64_t{0}));
  std::vector<job_error> result;
  while (stmt.step())
    result.push_back(
      {stmt.column_int(0), stmt.column_text(1), stmt.column_text(2)});
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

caf::expected<std::vector<job_record>>
sqlite_job_store::unfinished_jobs(const std::string& node) {
  return read_jobs(stmts_->unfinished.bind(1, node));
}

caf::expected<std::vector<job_record>>
sqlite_job_store::claim_jobs(const std::string& node,
                             const std::vector<std::string>& running,
                             int64_t now_ms, int64_t lease_until_ms,
                             int64_t limit) {
  std::vector<job_record> result;
  if (limit <= 0)
    return result;
  // BEGIN IMMEDIATE: no other connection writes between the selection and
  // the updates (each update checks the condition again all the same).
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  std::set<std::string> skip{running.begin(), running.end()};
  auto& select = stmts_->candidates;
  auto max_rows = static_cast<int64_t>(skip.size()) > INT64_MAX - limit
                    ? INT64_MAX
                    : limit + static_cast<int64_t>(skip.size());
  select.bind(1, node).bind(2, now_ms).bind(3, max_rows);
  std::vector<std::string> ids;
  while (select.step()) {
    auto id = select.column_text(0);
    if (select.column_text(1) == node && skip.count(id) > 0)
      continue;
    if (static_cast<int64_t>(ids.size()) < limit)
      ids.push_back(std::move(id));
  }
  if (!select.ok())
    return select.fail();
  select.reset();
  for (auto& id : ids) {
    if (auto err = stmts_->claim.bind(1, id)
                     .bind(2, node)
                     .bind(3, lease_until_ms)
                     .bind(4, now_ms)
                     .run())
      return err;
    if (sqlite3_changes(db_.get()) == 0)
      continue;
    auto jobs = read_jobs(stmts_->find_by_id.bind(1, id));
    if (!jobs)
      return std::move(jobs.error());
    for (auto& job : *jobs)
      result.push_back(std::move(job));
  }
  if (auto err = txn->commit())
    return err;
  return result;
}

caf::error sqlite_job_store::renew_jobs(const std::string& node,
                                        const std::vector<std::string>& ids,
                                        int64_t lease_until_ms) {
  if (ids.empty())
    return caf::none;
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  for (auto& id : ids)
    if (auto err = stmts_->renew.bind(1, node)
                     .bind(2, id)
                     .bind(3, lease_until_ms)
                     .run())
      return err;
  return txn->commit();
}

caf::expected<std::string>
sqlite_job_store::job_payload(const std::string& id) {
  auto& stmt = stmts_->payload;
  // `column_text` of a BLOB is its bytes (a NULL: empty).
  std::string result = stmt.bind(1, id).step() ? stmt.column_text(0) : "";
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

caf::expected<bool> sqlite_job_store::record_progress(const job_progress& x) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  auto& up = stmts_->progress;
  up.bind(1, x.id).bind(2, x.state).bind(3, x.done).bind(4, x.failed);
  up.bind(5, x.detail).bind(6, x.updated_ms).bind(7, x.node);
  if (auto err = up.run())
    return err;
  if (sqlite3_changes(db_.get()) == 0)
    return false; // Final, gone or another node's: the transaction rolls
                  // back (empty).
  for (auto& e : x.errors)
    if (auto err = stmts_->insert_error.bind(1, x.id)
                     .bind(2, e.index)
                     .bind(3, e.field)
                     .bind(4, e.detail)
                     .run())
      return err;
  for (auto& [uid, todo_id] : x.uids)
    if (auto err = stmts_->upsert_uid.bind(1, x.id)
                     .bind(2, uid)
                     .bind(3, todo_id)
                     .run())
      return err;
  if (auto err = txn->commit())
    return err;
  return true;
}

caf::expected<job_record>
sqlite_job_store::cancel_job(const std::string& user_id, const std::string& id,
                             int64_t updated_ms) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  if (auto err = stmts_->cancel.bind(1, user_id)
                   .bind(2, id)
                   .bind(3, updated_ms)
                   .run())
    return err;
  auto changed = sqlite3_changes(db_.get()) > 0;
  auto job = find_job(user_id, id);
  if (!job)
    return std::move(job.error());
  if (!*job)
    return caf::make_error(ec::not_found, "no job " + id);
  if (!changed)
    return caf::make_error(ec::conflict,
                           "job " + id + " is " + (*job)->state + " already");
  if (auto err = txn->commit())
    return err;
  return std::move(**job);
}

caf::expected<std::vector<job_record>>
sqlite_job_store::owed_notifications(int64_t ended_before_ms, int64_t limit) {
  return read_jobs(stmts_->owed.bind(1, ended_before_ms).bind(2, limit));
}

caf::error sqlite_job_store::notified(const std::string& id) {
  return stmts_->notified.bind(1, id).run();
}

caf::expected<std::map<std::string, std::string>>
sqlite_job_store::imported_uids(const std::string& user_id,
                                const std::vector<std::string>& uids) {
  std::map<std::string, std::string> result;
  auto& stmt = stmts_->uid;
  for (auto& uid : uids) {
    if (stmt.bind(1, user_id).bind(2, uid).step())
      result.emplace(uid, stmt.column_text(0));
    if (!stmt.ok())
      return stmt.fail();
    stmt.reset();
  }
  return result;
}

} // namespace actodo::persistence
