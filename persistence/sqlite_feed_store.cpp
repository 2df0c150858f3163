#include "persistence/sqlite_feed_store.hpp"

#include <sqlite3.h>

#include "config/error.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sqlite_statement.hpp"
#include "persistence/sqlite_transaction.hpp"

namespace actodo::persistence {

namespace {

constexpr const char* feed_columns = "id, user_id, token_hash, description, "
                                     "created_ms";

std::string select_feeds(const char* where) {
  return std::string{"SELECT "} + feed_columns + " FROM feeds " + where;
}

} // namespace

struct sqlite_feed_store::statements {
  explicit statements(sqlite3* db)
    : count(db, "SELECT count(*) FROM feeds WHERE user_id = ?1"),
      insert(db, std::string{"INSERT INTO feeds ("} + feed_columns
                   + ") VALUES (?1, ?2, ?3, ?4, ?5)"),
      by_user(db, select_feeds("WHERE user_id = ?1 ORDER BY created_ms, id")),
      by_hash(db, select_feeds("WHERE token_hash = ?1")),
      remove(db, "DELETE FROM feeds WHERE user_id = ?1 AND id = ?2") {}

  sqlite_statement count, insert, by_user, by_hash, remove;
};

sqlite_feed_store::sqlite_feed_store(connection db) : db_(std::move(db)) {}

sqlite_feed_store::~sqlite_feed_store() = default;

caf::expected<std::unique_ptr<sqlite_feed_store>>
sqlite_feed_store::open(const std::string& path) {
  auto db = open_database(path, "PRAGMA synchronous=FULL;");
  if (!db)
    return std::move(db.error());
  if (auto err = migrate(db->get(), actodo_migrations()))
    return err;
  std::unique_ptr<sqlite_feed_store> result{
    new sqlite_feed_store(std::move(*db))};
  result->stmts_ = std::make_unique<statements>(result->db_.get());
  auto& s = *result->stmts_;
  for (auto stmt : {&s.count, &s.insert, &s.by_user, &s.by_hash, &s.remove})
    if (!stmt->ok())
      return sqlite_failure(stmt->error());
  return result;
}

caf::error sqlite_feed_store::create_feed(const feed_record& feed,
                                          int64_t max_per_user) {
  auto txn = sqlite_transaction::begin(db_.get());
  if (!txn)
    return std::move(txn.error());
  auto count = stmts_->count.bind(1, feed.user_id).run_int();
  if (!count)
    return std::move(count.error());
  if (*count >= max_per_user)
    return make_field_error(ec::limit_exceeded, "feeds",
                            "a user has at most " + std::to_string(max_per_user)
                              + " feeds");
  auto& stmt = stmts_->insert;
  stmt.bind(1, feed.id).bind(2, feed.user_id).bind(3, feed.token_hash);
  stmt.bind(4, feed.description).bind(5, feed.created_ms).step();
  if (!stmt.ok()) {
    auto code = sqlite3_extended_errcode(db_.get());
    auto err = stmt.fail();
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY
        || code == SQLITE_CONSTRAINT_UNIQUE)
      return caf::make_error(ec::conflict,
                             "feed id or token taken: " + feed.id);
    return err;
  }
  stmt.reset();
  return txn->commit();
}

namespace {

/// Every row of a statement that selects `feed_columns`.
caf::expected<std::vector<feed_record>> read_feeds(sqlite_statement& stmt) {
  std::vector<feed_record> result;
  while (stmt.step())
    result.push_back({stmt.column_text(0), stmt.column_text(1),
                      stmt.column_text(2), stmt.column_text(3),
                      stmt.column_int(4)});
  if (!stmt.ok())
    return stmt.fail();
  stmt.reset();
  return result;
}

} // namespace

caf::expected<std::vector<feed_record>>
sqlite_feed_store::list_feeds(const std::string& user_id) {
  return read_feeds(stmts_->by_user.bind(1, user_id));
}

caf::error sqlite_feed_store::delete_feed(const std::string& user_id,
                                          const std::string& id) {
  if (auto err = stmts_->remove.bind(1, user_id).bind(2, id).run())
    return err;
  if (sqlite3_changes(db_.get()) == 0)
    return caf::make_error(ec::not_found, "no feed " + id);
  return caf::none;
}

caf::expected<std::optional<feed_record>>
sqlite_feed_store::find_feed(const std::string& token_hash) {
  auto feeds = read_feeds(stmts_->by_hash.bind(1, token_hash));
  if (!feeds)
    return std::move(feeds.error());
  if (feeds->empty())
    return std::optional<feed_record>{};
  return std::move(feeds->front());
}

} // namespace actodo::persistence
