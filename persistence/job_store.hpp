#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/meta/type_name.hpp"

namespace actodo::persistence {

/// An import job: a user's uploaded file and how far applying it went.
struct job_record {
  /// `job_` + a time-ordered id.
  std::string id;
  std::string user_id;
  /// The node that runs it (its `--cluster.node-id`, empty alone): a node
  /// that restarts resumes its own unfinished jobs; another node takes
  /// them over once `lease_until_ms` passed (see `claim_jobs`).
  std::string node;
  /// `ics`, `json` or `csv`.
  std::string format;
  /// `queued`, `running`, `done`, `failed` or `cancelled`; the last three
  /// are final.
  std::string state = "queued";
  /// Items in the file.
  int64_t total = 0;
  /// Items processed (applied or failed), always a prefix of the file.
  int64_t done = 0;
  /// Items of `done` that failed (each has a `job_error`).
  int64_t failed = 0;
  /// Why a job failed as a whole (empty otherwise).
  std::string detail;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  /// Until when `node` holds the job; renewed while it runs.
  int64_t lease_until_ms = 0;
  /// The upload's `Idempotency-Key` (empty: none) and the SHA-256 (hex) of
  /// its format and payload, so the same upload again is the same job.
  std::string idempotency_key;
  std::string fingerprint;
};

/// Why one item of a job was not applied.
struct job_error {
  /// 0-based position of the item in the file.
  int64_t index = 0;
  /// The offending field (API name), empty for the whole item.
  std::string field;
  std::string detail;
};

/// What a batch of a running job did, written in one transaction.
struct job_progress {
  std::string id;
  /// The node recording it: nothing is written once another node took the
  /// job over.
  std::string node;
  /// The job's new state (`running` while batches remain, or a final one).
  std::string state;
  int64_t done = 0;
  int64_t failed = 0;
  std::string detail;
  int64_t updated_ms = 0;
  /// Errors of the items this batch processed.
  std::vector<job_error> errors;
  /// iCalendar UIDs this batch created or updated todos for: UID -> todo
  /// id (of the job's user).
  std::map<std::string, std::string> uids;
};

/// Import jobs, their per-item errors, their payloads while they run, and
/// the map of imported iCalendar UIDs to todos. Blocking and not
/// thread-safe: one owner (the `jobs` actor) calls an implementation.
class job_store {
 public:
  virtual ~job_store() = default;

  /// Stores a new job (`state` queued, its `node`, `lease_until_ms`,
  /// `idempotency_key` and `fingerprint`) with its payload. Fails with
  /// `ec::limit_exceeded` (field `jobs`) when the user has `max_active`
  /// jobs that are queued or running already.
  virtual caf::error create_job(const job_record& job,
                                const std::string& payload, int64_t max_active)
    = 0;

  /// The job a user created with an `Idempotency-Key` (any state;
  /// `std::nullopt`: none).
  virtual caf::expected<std::optional<job_record>>
  find_keyed_job(const std::string& user_id, const std::string& key) = 0;

  /// One job of one user (`std::nullopt`: not there or another user's).
  virtual caf::expected<std::optional<job_record>>
  find_job(const std::string& user_id, const std::string& id) = 0;

  /// The first `limit` errors of a job, by index.
  virtual caf::expected<std::vector<job_error>>
  job_errors(const std::string& id, int64_t limit) = 0;

  /// The jobs of `node` that are queued or running, oldest first.
  virtual caf::expected<std::vector<job_record>>
  unfinished_jobs(const std::string& node) = 0;

  /// Takes over up to `limit` queued or running jobs, oldest first: those
  /// of `node` itself that are not in `running` (a restart, or queued
  /// behind others) and those of any node whose lease ended before
  /// `now_ms` (that node stopped). Sets their `node` and their lease to
  /// `lease_until_ms`, atomically: two nodes never take the same job.
  /// Returns them as stored after the change.
  virtual caf::expected<std::vector<job_record>>
  claim_jobs(const std::string& node, const std::vector<std::string>& running,
             int64_t now_ms, int64_t lease_until_ms, int64_t limit)
    = 0;

  /// Extends the leases of these jobs while `node` still holds them.
  virtual caf::error renew_jobs(const std::string& node,
                                const std::vector<std::string>& ids,
                                int64_t lease_until_ms)
    = 0;

  /// The payload of a job that is not final yet (empty once it is: the
  /// payload is dropped when the job ends).
  virtual caf::expected<std::string> job_payload(const std::string& id) = 0;

  /// Records a batch: the job's state, counters, detail and updated_ms,
  /// its errors and UIDs, only while the job is not final (a cancelled job
  /// stays cancelled) and `x.node` still holds it. Drops the payload when
  /// the new state is final; a job that ends `done` or `failed` owes its
  /// user a notification (`owed_notifications`). Returns false when nothing was
  /// written because the job is final, gone or another node's now.
  virtual caf::expected<bool> record_progress(const job_progress& x) = 0;

  /// Cancels a job of a user that is queued or running (and drops its
  /// payload); returns the job as it is then. `ec::not_found` when it is
  /// not there, `ec::conflict` when it is final already (the record
  /// unchanged).
  virtual caf::expected<job_record> cancel_job(const std::string& user_id,
                                               const std::string& id,
                                               int64_t updated_ms)
    = 0;

  /// Jobs that ended (`done` or `failed`) before `ended_before_ms` whose
  /// notification the user's log has not confirmed yet (`record_progress`
  /// owes one when it ends a job; `notified` settles it), oldest first.
  virtual caf::expected<std::vector<job_record>>
  owed_notifications(int64_t ended_before_ms, int64_t limit) = 0;

  /// The job's notification is in its user's log.
  virtual caf::error notified(const std::string& id) = 0;

  /// The todos imported earlier for these UIDs of the user (missing UIDs
  /// are absent from the map).
  virtual caf::expected<std::map<std::string, std::string>>
  imported_uids(const std::string& user_id,
                const std::vector<std::string>& uids)
    = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_record& x) {
  return f(caf::meta::type_name("job_record"), x.id, x.user_id, x.node,
           x.format, x.state, x.total, x.done, x.failed, x.detail, x.created_ms,
           x.updated_ms, x.lease_until_ms, x.idempotency_key, x.fingerprint);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_error& x) {
  return f(caf::meta::type_name("job_error"), x.index, x.field, x.detail);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_progress& x) {
  return f(caf::meta::type_name("job_progress"), x.id, x.node, x.state, x.done,
           x.failed, x.detail, x.updated_ms, x.errors, x.uids);
}

} // namespace actodo::persistence
