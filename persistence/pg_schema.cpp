// The PostgreSQL schema, one step per change, oldest first. A released step
// never changes: a new column, table or index is a new step at the end.
// Text keys use the "C" collation: byte order, as in SQLite, whatever the
// database's locale.

#include "persistence/pg_schema.hpp"

#include <string>

#include "config/error.hpp"
#include "persistence/pg_connection.hpp"

namespace actodo::persistence {

namespace {

constexpr const char* initial_schema = R"sql(
CREATE TABLE events (
  user_id text COLLATE "C" NOT NULL, seq bigint NOT NULL,
  type text NOT NULL, todo_id text NOT NULL, json text NOT NULL,
  time_ms bigint NOT NULL,
  PRIMARY KEY (user_id, seq));
CREATE INDEX events_by_time ON events (time_ms);
CREATE TABLE todos (
  user_id text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
  json text NOT NULL, wake_at bigint NOT NULL DEFAULT -1,
  PRIMARY KEY (user_id, id));
CREATE INDEX todos_by_wake ON todos (wake_at, user_id, id) WHERE wake_at >= 0;
CREATE TABLE requests (
  user_id text COLLATE "C" NOT NULL, request_id text COLLATE "C" NOT NULL,
  state text NOT NULL, status integer NOT NULL, body text NOT NULL,
  idempotency_key text COLLATE "C" NOT NULL, fingerprint text NOT NULL,
  created_ms bigint NOT NULL, body_seq bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, request_id));
CREATE INDEX requests_by_key
  ON requests (user_id, idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX requests_by_age ON requests (created_ms);
CREATE TABLE outbox (
  id bigserial PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL);
CREATE TABLE kafka_position (
  name text PRIMARY KEY, published bigint NOT NULL);
CREATE TABLE users (
  id text COLLATE "C" PRIMARY KEY, username text COLLATE "C" NOT NULL UNIQUE,
  password_hash text NOT NULL, created_ms bigint NOT NULL);
CREATE TABLE refresh_tokens (
  token_hash text COLLATE "C" PRIMARY KEY, user_id text NOT NULL,
  expires_ms bigint NOT NULL, family text COLLATE "C" NOT NULL,
  used_ms bigint NOT NULL DEFAULT 0);
CREATE INDEX refresh_by_family ON refresh_tokens (family);
CREATE INDEX refresh_by_expiry ON refresh_tokens (expires_ms);
)sql";

/// Cluster mode's fencing epochs (issue #16). A commit fenced by a stale
/// epoch fails with SQLSTATE AF001; `FOR SHARE` makes a claim (an update of
/// the row) wait for the commits that hold the old epoch.
constexpr const char* partition_epochs = R"sql(
CREATE TABLE partition_epochs (
  partition integer PRIMARY KEY, epoch bigint NOT NULL);
CREATE FUNCTION actodo_check_fence(parts integer[], epochs bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM partition_epochs WHERE partition = ANY(parts)
    ORDER BY partition FOR SHARE;
  IF (SELECT count(*) FROM unnest(parts, epochs) AS f(part, epoch)
      JOIN partition_epochs p ON p.partition = f.part AND p.epoch = f.epoch)
     <> cardinality(parts) THEN
    RAISE EXCEPTION 'a partition epoch is stale' USING ERRCODE = 'AF001';
  END IF;
END $$;
)sql";

/// Users' webhooks (`events`: a JSON array of type patterns; `cursor`: the
/// last sequence delivered) and the latest delivery attempts of each.
constexpr const char* webhooks = R"sql(
CREATE TABLE webhooks (
  id text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
  url text NOT NULL, events text NOT NULL, description text NOT NULL,
  secret text NOT NULL, enabled integer NOT NULL,
  disabled_reason text NOT NULL, cursor bigint NOT NULL,
  created_ms bigint NOT NULL, updated_ms bigint NOT NULL);
CREATE INDEX webhooks_by_user ON webhooks (user_id, created_ms);
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY, webhook_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL, attempt integer NOT NULL, status integer NOT NULL,
  latency_ms bigint NOT NULL, error text NOT NULL, response text NOT NULL,
  at_ms bigint NOT NULL);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
)sql";

/// Import jobs (`payload`: the uploaded file while the job is unfinished,
/// NULL once it is final), the errors of their items, and which todo each
/// imported iCalendar UID of a user became.
constexpr const char* import_jobs = R"sql(
CREATE TABLE jobs (
  id text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL, format text NOT NULL, state text NOT NULL,
  total bigint NOT NULL, done bigint NOT NULL, failed bigint NOT NULL,
  detail text NOT NULL, created_ms bigint NOT NULL,
  updated_ms bigint NOT NULL, payload bytea);
CREATE INDEX jobs_by_user ON jobs (user_id, state);
CREATE INDEX jobs_by_node ON jobs (node, state);
CREATE TABLE job_errors (
  job_id text COLLATE "C" NOT NULL, idx bigint NOT NULL, field text NOT NULL,
  detail text NOT NULL, PRIMARY KEY (job_id, idx));
CREATE TABLE import_uids (
  user_id text COLLATE "C" NOT NULL, uid text COLLATE "C" NOT NULL,
  todo_id text COLLATE "C" NOT NULL, PRIMARY KEY (user_id, uid));
)sql";

/// Users' calendar feeds (`token_hash`: the SHA-256 of the feed URL's
/// token, never the token).
constexpr const char* calendar_feeds = R"sql(
CREATE TABLE feeds (
  id text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
  token_hash text COLLATE "C" NOT NULL UNIQUE, description text NOT NULL,
  created_ms bigint NOT NULL);
CREATE INDEX feeds_by_user ON feeds (user_id, created_ms);
)sql";

/// Job leases: until when a job's node holds it (another node takes over
/// the unfinished jobs whose lease ended), indexed for that claim.
constexpr const char* job_leases = R"sql(
ALTER TABLE jobs ADD COLUMN lease_until_ms bigint NOT NULL DEFAULT 0;
CREATE INDEX jobs_by_lease ON jobs (state, lease_until_ms);
)sql";

/// An upload's `Idempotency-Key` (empty: none, as for older jobs) and the
/// SHA-256 of its format and payload; a user's keys are unique.
constexpr const char* job_keys = R"sql(
ALTER TABLE jobs ADD COLUMN idempotency_key text COLLATE "C" NOT NULL
  DEFAULT '';
ALTER TABLE jobs ADD COLUMN fingerprint text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX jobs_by_key
  ON jobs (user_id, idempotency_key) WHERE idempotency_key <> '';
)sql";

/// A job that ended owes its user a notification until the user's log has
/// it (1); the partial index finds the few that do.
constexpr const char* job_notifications = R"sql(
ALTER TABLE jobs ADD COLUMN notify smallint NOT NULL DEFAULT 0;
CREATE INDEX jobs_owing ON jobs (updated_ms) WHERE notify = 1;
)sql";

/// A webhook the service disabled owes its user a notification until the
/// user's log has it (the instant of the disabling; 0: nothing owed).
constexpr const char* webhook_notices = R"sql(
ALTER TABLE webhooks ADD COLUMN notice_owed bigint NOT NULL DEFAULT 0;
CREATE INDEX webhooks_owing ON webhooks (notice_owed) WHERE notice_owed <> 0;
)sql";

/// Any constant: the lock that serializes migrations of one database.
constexpr const char* lock_key = "7346512093";

} // namespace

const std::vector<migration>& pg_migrations() {
  static const std::vector<migration> steps{
    {1, "events, todos, requests, outbox, accounts", initial_schema, {}},
    {2, "partition epochs", partition_epochs, {}},
    {3, "webhooks and their deliveries", webhooks, {}},
    {4, "import jobs, their errors, imported UIDs", import_jobs, {}},
    {5, "calendar feeds", calendar_feeds, {}},
    {6, "job leases", job_leases, {}},
    {7, "job idempotency keys", job_keys, {}},
    {8, "job notifications owed", job_notifications, {}},
    {9, "webhook notices owed", webhook_notices, {}},
  };
  return steps;
}

caf::error pg_migrate(pg_connection& db) {
  auto& steps = pg_migrations();
  auto last = steps.back().version;
  if (auto err = db.execute(
        std::string{"BEGIN; SELECT pg_advisory_xact_lock("} + lock_key
        + "); CREATE TABLE IF NOT EXISTS schema_version (version bigint "
          "PRIMARY KEY, what text NOT NULL, applied_at timestamptz NOT NULL "
          "DEFAULT now());"))
    return err;
  auto fail = [&db](caf::error err) {
    // The connection may be gone; a rollback is all that is left to try.
    static_cast<void>(db.execute("ROLLBACK"));
    return err;
  };
  auto rows = db.select("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!rows)
    return fail(std::move(rows.error()));
  auto current = rows->integer(0, 0);
  if (current > last)
    return fail(caf::make_error(
      ec::store_failure,
      "the PostgreSQL database is at schema version " + std::to_string(current)
        + ", newer than this actodo knows (" + std::to_string(last)
        + "): it was written by a newer actodo; run that one or restore a "
          "backup"));
  for (auto& step : steps) {
    if (step.version <= current)
      continue;
    auto record = "INSERT INTO schema_version (version, what) VALUES ("
                  + std::to_string(step.version) + ", '" + step.what + "');";
    if (auto err = db.execute(step.sql + record))
      return fail(caf::make_error(
        ec::store_failure, "schema step " + std::to_string(step.version) + " ("
                             + step.what + ") failed: " + describe(err)));
  }
  return db.execute("COMMIT");
}

} // namespace actodo::persistence
