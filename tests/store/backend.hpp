#pragma once

// The store under test, chosen by the environment:
// - ACTODO_TEST_STORE=sqlite: a fresh SQLite file in a temporary directory;
// - ACTODO_TEST_STORE=postgresql: a fresh database per test on the server
//   that tests/pg/pg_server.sh started in ACTODO_TEST_PG_DIR (its URI is in
//   DIR/uri). A missing server fails the test; nothing is skipped.

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "persistence/account_store.hpp"
#include "persistence/open_store.hpp"
#include "persistence/pg_connection.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/store_uri.hpp"
#include "persistence/webhook_store.hpp"

#include "tests/temp_dir.hpp"

namespace actodo::test {

inline std::string env_or_empty(const char* name) {
  auto value = std::getenv(name);
  return value ? value : "";
}

/// The URI of the test server's maintenance database (`actodo`).
inline std::string pg_base_uri() {
  auto dir = env_or_empty("ACTODO_TEST_PG_DIR");
  if (dir.empty())
    CAF_FAIL("ACTODO_TEST_PG_DIR is not set (start a server with "
             "tests/pg/pg_server.sh start DIR)");
  std::ifstream in{dir + "/uri"};
  std::string uri;
  if (!std::getline(in, uri) || uri.empty())
    CAF_FAIL("no PostgreSQL test server in " << dir << " (no uri file)");
  return uri;
}

/// A fresh, empty store for one test.
struct backend {
  backend() : kind(env_or_empty("ACTODO_TEST_STORE")) {
    if (kind == "postgresql") {
      static std::atomic<int> next{0};
      auto base = pg_base_uri();
      auto admin = persistence::pg_connection::connect(base);
      if (!admin)
        CAF_FAIL("cannot reach the test server: " << describe(admin.error()));
      auto name = "conformance_" + std::to_string(::getpid()) + "_"
                  + std::to_string(next++);
      if (auto err = admin->execute("CREATE DATABASE " + name))
        CAF_FAIL("cannot create a database: " << describe(err));
      uri = base.substr(0, base.rfind('/') + 1) + name;
    } else if (kind == "sqlite") {
      uri = "sqlite:" + persistence::database_path(tmp.path + "/data");
    } else {
      CAF_FAIL("ACTODO_TEST_STORE must be sqlite or postgresql, not '" << kind
                                                                       << "'");
    }
    reopen();
  }

  /// Runs `sql` on the PostgreSQL test server's maintenance database.
  static void admin(const std::string& sql) {
    auto db = persistence::pg_connection::connect(pg_base_uri());
    if (!db)
      CAF_FAIL("cannot reach the test server: " << describe(db.error()));
    if (auto err = db->execute(sql))
      CAF_FAIL(sql << ": " << describe(err));
  }

  /// The PostgreSQL database of this test.
  std::string database() const {
    return uri.substr(uri.rfind('/') + 1);
  }

  bool postgresql() const {
    return kind == "postgresql";
  }

  /// Closes the stores and opens them again (what a restart sees).
  void reopen(bool with_outbox = false) {
    stores = persistence::opened_stores{};
    auto parsed = persistence::parse_store_uri(uri, tmp.path + "/node");
    if (!parsed)
      CAF_FAIL("bad URI " << uri << ": " << describe(parsed.error()));
    persistence::store_options opts;
    opts.data_dir = tmp.path + "/node";
    opts.with_outbox = with_outbox;
    auto opened = persistence::open_stores(*parsed, opts);
    if (!opened)
      CAF_FAIL("cannot open " << uri << ": " << describe(opened.error()));
    stores = std::move(*opened);
    store = stores.events.get();
    accounts = stores.accounts.get();
    webhooks = stores.webhooks.get();
  }

  std::string kind;
  test::temp_dir tmp;
  std::string uri;
  persistence::opened_stores stores;
  persistence::store* store = nullptr;
  persistence::account_store* accounts = nullptr;
  persistence::webhook_store* webhooks = nullptr;
};

/// One event, its todo and a request outcome for `user`.
inline persistence::user_batch batch(const std::string& user, int64_t seq,
                                     const std::string& todo,
                                     const std::string& rid) {
  persistence::user_batch b;
  b.user_id = user;
  b.events.push_back(
    {seq, "todo.created", todo, "{\"seq\":" + std::to_string(seq) + "}"});
  b.todos.push_back({todo, "{\"id\":\"" + todo + "\"}"});
  b.request = {rid, "done", 201, "{}", "", "fp", 1000};
  return b;
}

} // namespace actodo::test
