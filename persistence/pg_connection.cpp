#include "persistence/pg_connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <libpq-fe.h>

#include "config/error.hpp"

namespace actodo::persistence {

namespace {

using namespace std::chrono_literals;

constexpr auto max_backoff = std::chrono::milliseconds{2000};

/// Seconds a client is told to wait while the store is unreachable.
constexpr int64_t retry_seconds = 1;

/// libpq's message without its trailing newline.
std::string message_of(PGconn* conn) {
  std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
    msg.pop_back();
  return msg;
}

/// Pointers to the parameters, as libpq takes them.
std::vector<const char*> values_of(const pg_params& params) {
  std::vector<const char*> result;
  result.reserve(params.size());
  for (auto& p : params)
    result.push_back(p.c_str());
  return result;
}

bool succeeded(PGresult* res) {
  auto st = PQresultStatus(res);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

} // namespace

void clear_result::operator()(pg_result* res) const noexcept {
  PQclear(res);
}

int pg_rows::size() const {
  return PQntuples(res_.get());
}

std::string pg_rows::text(int row, int col) const {
  return {PQgetvalue(res_.get(), row, col),
          static_cast<size_t>(PQgetlength(res_.get(), row, col))};
}

int64_t pg_rows::integer(int row, int col) const {
  return std::strtoll(PQgetvalue(res_.get(), row, col), nullptr, 10);
}

bool pg_rows::null(int row, int col) const {
  return PQgetisnull(res_.get(), row, col) != 0;
}

caf::expected<pg_connection> pg_connection::connect(std::string conninfo) {
  pg_connection result;
  result.conninfo_ = std::move(conninfo);
  if (auto err = result.open())
    return err;
  return result;
}

caf::error pg_connection::prepare(
  std::vector<std::pair<std::string, std::string>> statements) {
  statements_ = std::move(statements);
  if (conn_ && PQstatus(conn_) == CONNECTION_OK)
    return prepare_all();
  return ensure(); // Prepares them once connected.
}

caf::error pg_connection::prepare_all() {
  for (auto& [name, sql] : statements_) {
    auto res = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    auto prepared = succeeded(res);
    PQclear(res);
    if (!prepared)
      return caf::make_error(ec::store_failure, "cannot prepare " + name + ": "
                                                  + message_of(conn_));
  }
  return caf::none;
}

pg_connection::pg_connection(pg_connection&& other) noexcept
  : conninfo_(std::move(other.conninfo_)),
    statements_(std::move(other.statements_)),
    conn_(other.conn_),
    next_attempt_(other.next_attempt_),
    backoff_(other.backoff_) {
  other.conn_ = nullptr;
}

pg_connection& pg_connection::operator=(pg_connection&& other) noexcept {
  if (this != &other) {
    PQfinish(conn_);
    conninfo_ = std::move(other.conninfo_);
    statements_ = std::move(other.statements_);
    conn_ = other.conn_;
    next_attempt_ = other.next_attempt_;
    backoff_ = other.backoff_;
    other.conn_ = nullptr;
  }
  return *this;
}

pg_connection::~pg_connection() {
  PQfinish(conn_);
}

caf::error pg_connection::open() {
  PQfinish(conn_);
  // A server that does not answer fails the attempt after 5 s unless the
  // URI says otherwise (its own connect_timeout comes later and wins).
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"5", conninfo_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn_) != CONNECTION_OK)
    return unavailable("cannot connect: " + message_of(conn_));
  // Notices ("relation already exists, skipping") are not for the log.
  PQsetNoticeProcessor(
    conn_, [](void*, const char*) {}, nullptr);
  // Acknowledged means flushed to the server's disk, whatever the
  // server's default.
  auto setup = PQexec(conn_, "SET synchronous_commit = on");
  auto ok = succeeded(setup);
  PQclear(setup);
  if (!ok)
    return unavailable("cannot set up the session: " + message_of(conn_));
  if (auto err = prepare_all())
    return err;
  backoff_ = 0ms;
  return caf::none;
}

caf::error pg_connection::unavailable(const std::string& why) {
  // The next attempt waits: 100 ms, doubling up to 2 s.
  backoff_ = std::clamp(backoff_ * 2, std::chrono::milliseconds{100},
                        max_backoff);
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  return make_retry_error(ec::unavailable, "",
                          "the PostgreSQL store is unreachable (" + why
                            + "); retry later",
                          retry_seconds);
}

caf::error pg_connection::ensure() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK)
    return caf::none;
  if (std::chrono::steady_clock::now() < next_attempt_)
    return make_retry_error(ec::unavailable, "",
                            "the PostgreSQL store is unreachable; "
                            "reconnecting, retry later",
                            retry_seconds);
  return open();
}

caf::error pg_connection::ping() {
  return execute("SELECT 1");
}

caf::error pg_connection::failure(const std::string& what, PGresult* res) {
  auto state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  last_state_ = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty())
    msg = message_of(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
    msg.pop_back();
  // Class 08 (connection exception), 57P0x (the server shuts down or
  // starts up) or a dead socket: the server is away, not the request wrong.
  auto away = PQstatus(conn_) != CONNECTION_OK
              || last_state_.rfind("08", 0) == 0
              || last_state_.rfind("57P0", 0) == 0;
  if (away) {
    PQfinish(conn_);
    conn_ = nullptr;
    return unavailable(what + ": " + msg);
  }
  return caf::make_error(ec::store_failure, what + ": " + msg);
}

caf::error pg_connection::execute(const std::string& sql) {
  if (auto err = ensure())
    return err;
  std::unique_ptr<PGresult, clear_result> res{PQexec(conn_, sql.c_str())};
  if (!succeeded(res.get()))
    return failure("statement failed", res.get());
  return caf::none;
}

caf::expected<pg_rows> pg_connection::select(const std::string& sql) {
  if (auto err = ensure())
    return err;
  auto res = PQexec(conn_, sql.c_str());
  if (!succeeded(res)) {
    auto err = failure("query failed", res);
    PQclear(res);
    return err;
  }
  return pg_rows{res};
}

caf::expected<pg_rows> pg_connection::query(const char* statement,
                                            const pg_params& params) {
  if (auto err = ensure())
    return err;
  auto values = values_of(params);
  auto res = PQexecPrepared(conn_, statement, static_cast<int>(values.size()),
                            values.data(), nullptr, nullptr, 0);
  if (!succeeded(res)) {
    auto err = failure(statement, res);
    PQclear(res);
    return err;
  }
  return pg_rows{res};
}

caf::expected<int64_t> pg_connection::change(const char* statement,
                                             const pg_params& params) {
  if (auto err = ensure())
    return err;
  auto values = values_of(params);
  std::unique_ptr<PGresult, clear_result> res{
    PQexecPrepared(conn_, statement, static_cast<int>(values.size()),
                   values.data(), nullptr, nullptr, 0)};
  if (!succeeded(res.get()))
    return failure(statement, res.get());
  return std::strtoll(PQcmdTuples(res.get()), nullptr, 10);
}

caf::error pg_connection::transaction(const std::vector<pg_call>& calls) {
  if (auto err = ensure())
    return err;
  if (PQenterPipelineMode(conn_) != 1)
    return failure("cannot enter pipeline mode", nullptr);
  auto send = [this](const char* stmt, const pg_params& params) {
    auto values = values_of(params);
    return PQsendQueryPrepared(conn_, stmt, static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0)
           == 1;
  };
  auto sent = PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr,
                                nullptr, 0)
              == 1;
  for (size_t i = 0; sent && i < calls.size(); ++i)
    sent = send(calls[i].statement, calls[i].params);
  sent = sent
         && PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr,
                              nullptr, 0)
              == 1
         && PQpipelineSync(conn_) == 1;
  if (!sent) {
    // Nothing can be read back from a half-sent pipeline: start over.
    auto err = failure("cannot send the transaction", nullptr);
    PQfinish(conn_);
    conn_ = nullptr;
    return err.code() == static_cast<uint8_t>(ec::unavailable)
             ? err
             : unavailable(describe(err));
  }
  // One result (then a null) per statement, then the sync point.
  caf::error first;
  for (size_t i = 0; i < calls.size() + 2; ++i) {
    std::unique_ptr<PGresult, clear_result> res{PQgetResult(conn_)};
    if (!res) {
      // Its outcome is unknown (the caller reloads); the protocol state is
      // lost, so the next call starts on a new connection.
      first = failure("the connection broke during a commit", nullptr);
      PQfinish(conn_);
      conn_ = nullptr;
      return first;
    }
    if (!succeeded(res.get()) && !first) {
      auto what = i == 0                  ? std::string{"BEGIN"}
                  : i == calls.size() + 1 ? std::string{"COMMIT"}
                                          : calls[i - 1].statement;
      first = failure(what, res.get());
      if (!conn_)
        return first;
    }
    while (auto extra = PQgetResult(conn_))
      PQclear(extra);
  }
  std::unique_ptr<PGresult, clear_result> sync{PQgetResult(conn_)};
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
    // The protocol state is lost: start over on a new connection.
    auto err = first ? first : failure("the pipeline did not end", sync.get());
    PQfinish(conn_);
    conn_ = nullptr;
    return err;
  }
  PQexitPipelineMode(conn_);
  if (first) {
    // A failed statement leaves the transaction aborted: end it.
    auto res = PQexec(conn_, "ROLLBACK");
    PQclear(res);
  }
  return first;
}

std::string describe_pg_uri(const std::string& uri) {
  char* err = nullptr;
  auto opts = PQconninfoParse(uri.c_str(), &err);
  PQfreemem(err);
  if (!opts)
    return {};
  std::string user, host, port, db;
  for (auto o = opts; o->keyword; ++o) {
    if (!o->val)
      continue;
    std::string key = o->keyword;
    if (key == "user")
      user = o->val;
    else if (key == "host" || (key == "hostaddr" && host.empty()))
      host = o->val;
    else if (key == "port")
      port = o->val;
    else if (key == "dbname")
      db = o->val;
  }
  PQconninfoFree(opts);
  if (host.find(':') != std::string::npos
      && host.find('/') == std::string::npos)
    host = "[" + host + "]";
  return "postgresql://" + (user.empty() ? "" : user + "@") + host
         + (port.empty() ? "" : ":" + port) + "/" + db;
}

} // namespace actodo::persistence
