// The schema of `actodo.db`, one step per change, oldest first. A released
// step never changes: a new column, table or index is a new step at the end.
// Steps 1-5 are the history from before versions were recorded; their
// probes let an unversioned database skip what it already has (later steps
// have one too, for a database whose version was reset).

#include "persistence/migrations.hpp"

namespace actodo::persistence {

namespace {

constexpr const char* store_tables = R"sql(
CREATE TABLE events (
  user_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
  todo_id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
CREATE TABLE todos (
  user_id TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY (user_id, id)) WITHOUT ROWID;
CREATE TABLE requests (
  user_id TEXT NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL,
  status INTEGER NOT NULL, body TEXT NOT NULL, idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL, created_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, request_id)) WITHOUT ROWID;
CREATE INDEX requests_by_key
  ON requests (user_id, idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX requests_by_age ON requests (created_ms);
)sql";

constexpr const char* account_tables = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL,
  expires_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql";

/// When the reminder scheduler must wake a todo (-1: never), indexed.
constexpr const char* due_time_index = R"sql(
ALTER TABLE todos ADD COLUMN wake_at INTEGER NOT NULL DEFAULT -1;
CREATE INDEX todos_by_wake ON todos (wake_at, user_id, id) WHERE wake_at >= 0;
)sql";

constexpr const char* kafka_outbox = R"sql(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,
  seq INTEGER NOT NULL);
CREATE TABLE kafka_position (
  name TEXT PRIMARY KEY, published INTEGER NOT NULL) WITHOUT ROWID;
)sql";

/// Each token from before families is a family of its own.
constexpr const char* token_families = R"sql(
ALTER TABLE refresh_tokens ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN used_ms INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_tokens SET family = token_hash;
CREATE INDEX refresh_by_family ON refresh_tokens (family);
CREATE INDEX refresh_by_expiry ON refresh_tokens (expires_ms);
)sql";

/// A request outcome refers to the event that carries its todo instead of
/// keeping a copy of it (issue #14: the copies were 2/3 of the database).
constexpr const char* outcome_by_reference = R"sql(
ALTER TABLE requests ADD COLUMN body_seq INTEGER NOT NULL DEFAULT 0;
)sql";

/// When each event was committed (ms since the epoch), for the event
/// retention; older rows get the time their CloudEvent carries.
constexpr const char* event_times = R"sql(
ALTER TABLE events ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0;
UPDATE events SET time_ms = CAST(round((julianday(json_extract(json, '$.time'))
  - 2440587.5) * 86400000) AS INTEGER)
  WHERE json_extract(json, '$.time') IS NOT NULL;
CREATE INDEX events_by_time ON events (time_ms);
)sql";

/// Every step with when it ran (as PostgreSQL's `schema_version`);
/// `PRAGMA user_version` stays the version that counts.
constexpr const char* schema_history = R"sql(
CREATE TABLE schema_version (
  version INTEGER PRIMARY KEY, what TEXT NOT NULL,
  applied_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql";

/// Cluster mode's fencing epochs (issue #16); a node on its own never
/// claims one, but the store answers the same as PostgreSQL's.
constexpr const char* partition_epochs = R"sql(
CREATE TABLE partition_epochs (
  partition INTEGER PRIMARY KEY, epoch INTEGER NOT NULL);
)sql";

/// Users' webhooks (`events`: a JSON array of type patterns; `cursor`: the
/// last sequence delivered) and the latest delivery attempts of each.
constexpr const char* webhooks = R"sql(
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, url TEXT NOT NULL,
  events TEXT NOT NULL, description TEXT NOT NULL, secret TEXT NOT NULL,
  enabled INTEGER NOT NULL, disabled_reason TEXT NOT NULL,
  cursor INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX webhooks_by_user ON webhooks (user_id, created_ms);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id TEXT NOT NULL,
  sequence INTEGER NOT NULL, attempt INTEGER NOT NULL,
  status INTEGER NOT NULL, latency_ms INTEGER NOT NULL, error TEXT NOT NULL,
  response TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
)sql";

/// Import jobs (`payload`: the uploaded file while the job is unfinished,
/// NULL once it is final; a rowid table, as SQLite advises for large rows
/// and as its blob API needs), the errors of their items, and which todo
/// each imported iCalendar UID of a user became.
constexpr const char* import_jobs = R"sql(
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, node TEXT NOT NULL,
  format TEXT NOT NULL, state TEXT NOT NULL, total INTEGER NOT NULL,
  done INTEGER NOT NULL, failed INTEGER NOT NULL, detail TEXT NOT NULL,
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, payload BLOB);
CREATE INDEX jobs_by_user ON jobs (user_id, state);
CREATE INDEX jobs_by_node ON jobs (node, state);
CREATE TABLE job_errors (
  job_id TEXT NOT NULL, idx INTEGER NOT NULL, field TEXT NOT NULL,
  detail TEXT NOT NULL, PRIMARY KEY (job_id, idx)) WITHOUT ROWID;
CREATE TABLE import_uids (
  user_id TEXT NOT NULL, uid TEXT NOT NULL, todo_id TEXT NOT NULL,
  PRIMARY KEY (user_id, uid)) WITHOUT ROWID;
)sql";

/// Users' calendar feeds (`token_hash`: the SHA-256 of the feed URL's
/// token, never the token).
constexpr const char* calendar_feeds = R"sql(
CREATE TABLE feeds (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE, description TEXT NOT NULL,
  created_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX feeds_by_user ON feeds (user_id, created_ms);
)sql";

/// Job leases: until when a job's node holds it (another node takes over
/// the unfinished jobs whose lease ended), indexed for that claim.
constexpr const char* job_leases = R"sql(
ALTER TABLE jobs ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_by_lease ON jobs (state, lease_until_ms);
)sql";

/// An upload's `Idempotency-Key` (empty: none, as for older jobs) and the
/// SHA-256 of its format and payload; a user's keys are unique.
constexpr const char* job_keys = R"sql(
ALTER TABLE jobs ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX jobs_by_key
  ON jobs (user_id, idempotency_key) WHERE idempotency_key <> '';
)sql";

/// A job that ended owes its user a notification until the user's log has
/// it (1); the partial index finds the few that do.
constexpr const char* job_notifications = R"sql(
ALTER TABLE jobs ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_owing ON jobs (updated_ms) WHERE notify = 1;
)sql";

/// A webhook the service disabled owes its user a notification until the
/// user's log has it (the instant of the disabling; 0: nothing owed).
constexpr const char* webhook_notices = R"sql(
ALTER TABLE webhooks ADD COLUMN notice_owed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX webhooks_owing ON webhooks (notice_owed) WHERE notice_owed <> 0;
)sql";

/// The `todos` rows of recent commits, appended here and written in place
/// later (`sqlite_row_log`): a commit touches the log's last pages instead
/// of one leaf of `todos` per changed row. An empty `json` deletes.
constexpr const char* todo_log = R"sql(
CREATE TABLE todo_log (
  pos INTEGER PRIMARY KEY, user_id TEXT NOT NULL, id TEXT NOT NULL,
  json TEXT NOT NULL, wake_at INTEGER NOT NULL);
)sql";

} // namespace

const std::vector<migration>& actodo_migrations() {
  static const std::vector<migration> steps{
    {1, "events, todos and requests", store_tables, {"events"}},
    {2, "users and refresh tokens", account_tables, {"refresh_tokens"}},
    {3, "due-time index", due_time_index, {"todos", "wake_at"}},
    {4, "Kafka outbox", kafka_outbox, {"outbox"}},
    {5, "refresh token families", token_families, {"refresh_tokens", "family"}},
    {6,
     "request outcomes by reference",
     outcome_by_reference,
     {"requests", "body_seq"}},
    {7, "event times", event_times, {"events", "time_ms"}},
    {8, "schema history", schema_history, {"schema_version"}},
    {9, "partition epochs", partition_epochs, {"partition_epochs"}},
    {10, "webhooks and their deliveries", webhooks, {"webhooks"}},
    {11, "import jobs, their errors, imported UIDs", import_jobs, {"jobs"}},
    {12, "calendar feeds", calendar_feeds, {"feeds"}},
    {13, "job leases", job_leases, {"jobs", "lease_until_ms"}},
    {14, "job idempotency keys", job_keys, {"jobs", "idempotency_key"}},
    {15, "job notifications owed", job_notifications, {"jobs", "notify"}},
    {16, "webhook notices owed", webhook_notices, {"webhooks", "notice_owed"}},
    {17, "todo row log", todo_log, {"todo_log"}},
  };
  return steps;
}

} // namespace actodo::persistence
