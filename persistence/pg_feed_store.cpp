#include "persistence/pg_feed_store.hpp"

#include "config/error.hpp"
#include "persistence/pg_schema.hpp"

namespace actodo::persistence {

namespace {

/// SQLSTATE of a unique constraint violation.
constexpr const char* unique_violation = "23505";

constexpr const char* feed_columns = "id, user_id, token_hash, description, "
                                     "created_ms";

std::string select_feeds(const char* where) {
  return std::string{"SELECT "} + feed_columns + " FROM feeds " + where;
}

/// The new row, unless the user has $6 feeds already (no row then).
std::string insert_feed() {
  return std::string{"INSERT INTO feeds ("} + feed_columns
         + ") SELECT $1::text, $2::text, $3::text, $4::text, $5::bigint "
           "WHERE (SELECT count(*) FROM feeds WHERE user_id = $2) "
           "< $6::bigint RETURNING id";
}

std::vector<std::pair<std::string, std::string>> statements() {
  return {
    // Serializes the creations of one user's feeds across nodes (the count
    // in insert_feed is then exact); the two-key form never meets the
    // one-key lock of the migrations, key 3 never the webhooks' 1 nor the
    // jobs' 2.
    {"lock_user_feeds", "SELECT pg_advisory_xact_lock(3, hashtext($1))"},
    {"insert_feed", insert_feed()},
    {"feeds_by_user",
     select_feeds("WHERE user_id = $1 ORDER BY created_ms, id")},
    {"feed_by_hash", select_feeds("WHERE token_hash = $1")},
    {"delete_feed", "DELETE FROM feeds WHERE user_id = $1 AND id = $2"},
  };
}

} // namespace

caf::expected<std::unique_ptr<pg_feed_store>>
pg_feed_store::open(const std::string& conninfo) {
  auto db = pg_connection::connect(conninfo);
  if (!db)
    return std::move(db.error());
  if (auto err = pg_migrate(*db))
    return err;
  if (auto err = db->prepare(statements()))
    return err;
  return std::unique_ptr<pg_feed_store>{new pg_feed_store(std::move(*db))};
}

caf::error pg_feed_store::create_feed(const feed_record& feed,
                                      int64_t max_per_user) {
  if (auto err = db_.execute("BEGIN"))
    return err;
  auto fail = [this](caf::error err) {
    // The connection may be gone; a rollback is all that is left to try.
    static_cast<void>(db_.execute("ROLLBACK"));
    return err;
  };
  if (auto lock = db_.query("lock_user_feeds", {feed.user_id}); !lock)
    return fail(std::move(lock.error()));
  auto rows = db_.query("insert_feed",
                        {feed.id, feed.user_id, feed.token_hash,
                         feed.description, std::to_string(feed.created_ms),
                         std::to_string(max_per_user)});
  if (!rows) {
    if (db_.last_state() == unique_violation)
      return fail(
        caf::make_error(ec::conflict, "feed id or token taken: " + feed.id));
    return fail(std::move(rows.error()));
  }
  if (rows->empty())
    return fail(make_field_error(ec::limit_exceeded, "feeds",
                                 "a user has at most "
                                   + std::to_string(max_per_user) + " feeds"));
  if (auto err = db_.execute("COMMIT"))
    return fail(std::move(err));
  return caf::none;
}

caf::expected<std::vector<feed_record>>
pg_feed_store::read_feeds(const char* statement, const pg_params& args) {
  auto rows = db_.query(statement, args);
  if (!rows)
    return std::move(rows.error());
  std::vector<feed_record> result;
  for (int r = 0; r < rows->size(); ++r)
    result.push_back({rows->text(r, 0), rows->text(r, 1), rows->text(r, 2),
                      rows->text(r, 3), rows->integer(r, 4)});
  return result;
}

caf::expected<std::vector<feed_record>>
pg_feed_store::list_feeds(const std::string& user_id) {
  return read_feeds("feeds_by_user", {user_id});
}

caf::error pg_feed_store::delete_feed(const std::string& user_id,
                                      const std::string& id) {
  auto n = db_.change("delete_feed", {user_id, id});
  if (!n)
    return std::move(n.error());
  if (*n == 0)
    return caf::make_error(ec::not_found, "no feed " + id);
  return caf::none;
}

caf::expected<std::optional<feed_record>>
pg_feed_store::find_feed(const std::string& token_hash) {
  auto feeds = read_feeds("feed_by_hash", {token_hash});
  if (!feeds)
    return std::move(feeds.error());
  if (feeds->empty())
    return std::optional<feed_record>{};
  return std::move(feeds->front());
}

} // namespace actodo::persistence
