#define CAF_SUITE store.webhooks

#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using actodo::test::batch;

namespace {

struct fixture : test::backend {
  static webhook_record hook(const std::string& id, const std::string& user,
                             int64_t created_ms = 1000) {
    webhook_record x;
    x.id = id;
    x.user_id = user;
    x.url = "https://example.com/" + id;
    x.events = {"todo.*"};
    x.description = "hook " + id;
    x.secret = "whsec_" + id;
    x.created_ms = created_ms;
    x.updated_ms = created_ms;
    return x;
  }

  static delivery_record delivery(const std::string& webhook_id, int64_t seq) {
    return {webhook_id, seq, 1, 200, 10 + seq, "", "ok", 5000 + seq};
  }

  /// Creates `x` (at most 10 per user) and returns its cursor.
  int64_t create(const webhook_record& x) {
    auto cursor = webhooks->create_webhook(x, 10);
    if (!cursor)
      CAF_FAIL("create_webhook " << x.id << ": " << describe(cursor.error()));
    return *cursor;
  }

  webhook_record find(const std::string& user, const std::string& id) {
    auto found = webhooks->find_webhook(user, id);
    if (!found)
      CAF_FAIL("find_webhook " << id << ": " << describe(found.error()));
    if (!*found)
      CAF_FAIL("no webhook " << id << " of " << user);
    return std::move(**found);
  }

  static std::vector<std::string>
  ids(const caf::expected<std::vector<webhook_record>>& hooks) {
    if (!hooks)
      CAF_FAIL("cannot list webhooks: " << describe(hooks.error()));
    std::vector<std::string> result;
    for (auto& x : *hooks)
      result.push_back(x.id);
    return result;
  }

  std::vector<int64_t> sequences(const std::string& webhook_id,
                                 int64_t limit = 100) {
    auto xs = webhooks->deliveries(webhook_id, limit);
    if (!xs)
      CAF_FAIL("deliveries " << webhook_id << ": " << describe(xs.error()));
    std::vector<int64_t> result;
    for (auto& x : *xs)
      result.push_back(x.sequence);
    return result;
  }
};

using strings = std::vector<std::string>;
using seqs = std::vector<int64_t>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(webhook_tests, fixture)

CAF_TEST(a new webhook starts at the user s last event) {
  CAF_REQUIRE(!store->commit(
    {batch("alice", 1, "t1", "r1"), batch("alice", 2, "t2", "r2"),
     batch("bob", 1, "t3", "r3"), batch("alice", 3, "t4", "r4")}));
  auto x = hook("wh_1", "alice");
  x.cursor = 99; // Ignored: the store sets the cursor.
  CAF_CHECK_EQUAL(create(x), 3);
  CAF_CHECK_EQUAL(create(hook("wh_2", "bob")), 1);
  CAF_CHECK_EQUAL(create(hook("wh_3", "carol")), 0);
  reopen();
  CAF_CHECK_EQUAL(find("alice", "wh_1").cursor, 3);
  CAF_CHECK_EQUAL(find("bob", "wh_2").cursor, 1);
  CAF_CHECK_EQUAL(find("carol", "wh_3").cursor, 0);
  // Events committed later do not move an existing cursor.
  CAF_REQUIRE(!store->commit({batch("carol", 1, "t5", "r5")}));
  CAF_CHECK_EQUAL(find("carol", "wh_3").cursor, 0);
  CAF_CHECK_EQUAL(create(hook("wh_4", "carol")), 1);
}

CAF_TEST(a user has at most the limit of webhooks) {
  CAF_CHECK_EQUAL(webhooks->create_webhook(hook("wh_1", "alice"), 2),
                  int64_t{0});
  CAF_CHECK_EQUAL(webhooks->create_webhook(hook("wh_2", "alice"), 2),
                  int64_t{0});
  auto third = webhooks->create_webhook(hook("wh_3", "alice"), 2);
  CAF_REQUIRE(!third);
  CAF_CHECK_EQUAL(third.error(), ec::limit_exceeded);
  CAF_CHECK_EQUAL(error_field(third.error()), "webhooks");
  CAF_CHECK(describe(third.error()).find("at most 2") != std::string::npos);
  CAF_CHECK_EQUAL(ids(webhooks->list_webhooks("alice")),
                  (strings{"wh_1", "wh_2"}));
  auto missing = webhooks->find_webhook("alice", "wh_3");
  CAF_REQUIRE(missing);
  CAF_CHECK(!missing->has_value());
  // The limit is per user.
  CAF_CHECK_EQUAL(webhooks->create_webhook(hook("wh_4", "bob"), 2), int64_t{0});
  // A deleted webhook frees its place.
  CAF_REQUIRE(!webhooks->delete_webhook("alice", "wh_1"));
  CAF_CHECK_EQUAL(webhooks->create_webhook(hook("wh_3", "alice"), 2),
                  int64_t{0});
}

CAF_TEST(a taken id is a conflict and changes nothing) {
  create(hook("wh_1", "alice"));
  auto again = webhooks->create_webhook(hook("wh_1", "bob"), 10);
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(again.error(), ec::conflict);
  CAF_CHECK(ids(webhooks->list_webhooks("bob")).empty());
  CAF_CHECK_EQUAL(find("alice", "wh_1").user_id, "alice");
  // The store is usable after the failure.
  CAF_CHECK_EQUAL(create(hook("wh_2", "bob")), 0);
}

CAF_TEST(a user lists only their own webhooks oldest first) {
  create(hook("wh_b", "alice", 2000));
  create(hook("wh_c", "alice", 1000));
  create(hook("wh_x", "bob", 1500));
  create(hook("wh_a", "alice", 2000));
  CAF_CHECK_EQUAL(ids(webhooks->list_webhooks("alice")),
                  (strings{"wh_c", "wh_a", "wh_b"}));
  CAF_CHECK_EQUAL(ids(webhooks->list_webhooks("bob")), (strings{"wh_x"}));
  CAF_CHECK(ids(webhooks->list_webhooks("carol")).empty());
  // Another user's webhook is not there for bob.
  auto other = webhooks->find_webhook("bob", "wh_a");
  CAF_REQUIRE(other);
  CAF_CHECK(!other->has_value());
  CAF_CHECK_EQUAL(webhooks->delete_webhook("bob", "wh_a"), ec::not_found);
  auto moved = hook("wh_a", "bob", 2000);
  moved.url = "https://evil.example/";
  CAF_CHECK_EQUAL(webhooks->update_webhook(moved), ec::not_found);
  CAF_CHECK_EQUAL(find("alice", "wh_a").url, "https://example.com/wh_a");
  CAF_CHECK_EQUAL(ids(webhooks->list_webhooks("alice")).size(), 3u);
}

CAF_TEST(an update writes every field it names) {
  auto x = hook("wh_1", "alice");
  x.events = {};
  create(x);
  CAF_CHECK(find("alice", "wh_1").events.empty());
  auto y = x;
  y.url = "http://other.example:8080/in?a=1";
  y.events = {"todo.created", "todo.\"quoted\"\\", "reminder.fired", "*",
              "t\xc3\xa4st"};
  y.description = "line one\nline two";
  y.enabled = false;
  y.disabled_reason = "410 Gone";
  y.cursor = 17;
  y.updated_ms = 9000;
  // Neither the secret nor the creation time change with an update.
  y.secret = "whsec_other";
  y.created_ms = 5;
  CAF_REQUIRE(!webhooks->update_webhook(y));
  reopen();
  auto z = find("alice", "wh_1");
  CAF_CHECK_EQUAL(z.id, "wh_1");
  CAF_CHECK_EQUAL(z.user_id, "alice");
  CAF_CHECK_EQUAL(z.url, y.url);
  CAF_CHECK_EQUAL(z.events, y.events);
  CAF_CHECK_EQUAL(z.description, y.description);
  CAF_CHECK_EQUAL(z.enabled, false);
  CAF_CHECK_EQUAL(z.disabled_reason, "410 Gone");
  CAF_CHECK_EQUAL(z.cursor, 17);
  CAF_CHECK_EQUAL(z.updated_ms, 9000);
  CAF_CHECK_EQUAL(z.secret, "whsec_wh_1");
  CAF_CHECK_EQUAL(z.created_ms, 1000);
  // And back: enabled again, the reason cleared.
  y.enabled = true;
  y.disabled_reason.clear();
  CAF_REQUIRE(!webhooks->update_webhook(y));
  auto w = find("alice", "wh_1");
  CAF_CHECK_EQUAL(w.enabled, true);
  CAF_CHECK_EQUAL(w.disabled_reason, "");
  CAF_CHECK_EQUAL(webhooks->update_webhook(hook("wh_none", "alice")),
                  ec::not_found);
}

CAF_TEST(a disabled webhook owes its notice until it is given) {
  create(hook("wh_1", "alice", 1000));
  create(hook("wh_2", "bob", 1000));
  CAF_CHECK(ids(webhooks->owed_notices(100000, 10)).empty());
  auto x = find("alice", "wh_1");
  x.enabled = false;
  x.disabled_reason = "HTTP 500";
  x.notice_owed = 3000;
  x.updated_ms = 3000;
  CAF_REQUIRE(!webhooks->update_webhook(x));
  auto y = find("bob", "wh_2");
  y.enabled = false;
  y.notice_owed = 2000;
  y.updated_ms = 2000;
  CAF_REQUIRE(!webhooks->update_webhook(y));
  reopen();
  CAF_CHECK_EQUAL(find("alice", "wh_1").notice_owed, 3000);
  // Oldest disabling first; only those before the bound.
  CAF_CHECK_EQUAL(ids(webhooks->owed_notices(100000, 10)),
                  std::vector<std::string>({"wh_2", "wh_1"}));
  CAF_CHECK_EQUAL(ids(webhooks->owed_notices(3000, 10)),
                  std::vector<std::string>({"wh_2"}));
  CAF_CHECK_EQUAL(ids(webhooks->owed_notices(100000, 1)),
                  std::vector<std::string>({"wh_2"}));
  // A later change (the user's) keeps the debt of the disabling.
  x = find("alice", "wh_1");
  x.description = "renamed";
  x.updated_ms = 4000;
  CAF_REQUIRE(!webhooks->update_webhook(x));
  CAF_CHECK_EQUAL(find("alice", "wh_1").notice_owed, 3000);
  // The notice of another disabling settles nothing.
  CAF_REQUIRE(!webhooks->notice_given("wh_1", 1000));
  CAF_CHECK_EQUAL(find("alice", "wh_1").notice_owed, 3000);
  CAF_REQUIRE(!webhooks->notice_given("wh_1", 3000));
  CAF_CHECK_EQUAL(find("alice", "wh_1").notice_owed, 0);
  CAF_CHECK_EQUAL(ids(webhooks->owed_notices(100000, 10)),
                  std::vector<std::string>({"wh_2"}));
  // A new webhook owes nothing.
  create(hook("wh_3", "carol", 500));
  CAF_CHECK_EQUAL(find("carol", "wh_3").notice_owed, 0);
}

CAF_TEST(start up finds the enabled webhooks of every user) {
  create(hook("wh_3", "carol", 3000));
  create(hook("wh_1", "alice", 1000));
  auto off = hook("wh_2", "bob", 2000);
  create(off);
  off.enabled = false;
  off.disabled_reason = "too many failures";
  CAF_REQUIRE(!webhooks->update_webhook(off));
  create(hook("wh_0", "alice", 4000));
  CAF_CHECK_EQUAL(ids(webhooks->enabled_webhooks()),
                  (strings{"wh_1", "wh_3", "wh_0"}));
  CAF_CHECK_EQUAL(ids(webhooks->list_webhooks("bob")), (strings{"wh_2"}));
}

CAF_TEST(a cursor moves while the webhook is unchanged) {
  create(hook("wh_1", "alice"));
  CAF_REQUIRE(!webhooks->set_cursor("wh_1", 42, 1000));
  CAF_CHECK_EQUAL(find("alice", "wh_1").cursor, 42);
  CAF_REQUIRE(!webhooks->set_cursor("wh_1", 43, 1000));
  reopen();
  CAF_CHECK_EQUAL(find("alice", "wh_1").cursor, 43);
  // A replay rewrote it: a deliverer's older cursor is dropped.
  auto replayed = find("alice", "wh_1");
  replayed.cursor = 10;
  replayed.updated_ms = 2000;
  CAF_REQUIRE(!webhooks->update_webhook(replayed));
  CAF_REQUIRE(!webhooks->set_cursor("wh_1", 44, 1000));
  CAF_CHECK_EQUAL(find("alice", "wh_1").cursor, 10);
  CAF_REQUIRE(!webhooks->set_cursor("wh_1", 11, 2000));
  CAF_CHECK_EQUAL(find("alice", "wh_1").cursor, 11);
  // A webhook deleted meanwhile: nothing to move, no error.
  CAF_CHECK(!webhooks->set_cursor("wh_gone", 7, 1000));
  CAF_CHECK(ids(webhooks->list_webhooks("alice")) == strings{"wh_1"});
}

CAF_TEST(progress is recorded in one batch) {
  create(hook("wh_1", "alice"));
  create(hook("wh_2", "bob"));
  std::vector<delivery_record> xs;
  for (int64_t seq = 1; seq <= 4; ++seq)
    xs.push_back(delivery("wh_1", seq));
  xs.push_back(delivery("wh_2", 7));
  // wh_2's cursor is stale (its webhook changed at 1000, not 999).
  std::vector<cursor_update> cursors{{"wh_1", 4, 1000}, {"wh_2", 7, 999}};
  CAF_REQUIRE(!webhooks->record_progress(xs, cursors, 3));
  reopen();
  CAF_CHECK_EQUAL(sequences("wh_1"), (seqs{4, 3, 2}));
  CAF_CHECK_EQUAL(sequences("wh_2"), (seqs{7}));
  CAF_CHECK_EQUAL(find("alice", "wh_1").cursor, 4);
  CAF_CHECK_EQUAL(find("bob", "wh_2").cursor, 0);
  CAF_CHECK(!webhooks->record_progress({}, {}, 3));
}

CAF_TEST(a webhook keeps only its latest deliveries) {
  create(hook("wh_1", "alice"));
  create(hook("wh_2", "bob"));
  CAF_REQUIRE(!webhooks->add_delivery(delivery("wh_2", 1), 3));
  CAF_REQUIRE(!webhooks->add_delivery(delivery("wh_2", 2), 3));
  for (int64_t seq = 1; seq <= 5; ++seq)
    CAF_REQUIRE(!webhooks->add_delivery(delivery("wh_1", seq), 3));
  CAF_CHECK_EQUAL(sequences("wh_1"), (seqs{5, 4, 3}));
  CAF_CHECK_EQUAL(sequences("wh_1", 2), (seqs{5, 4}));
  CAF_CHECK_EQUAL(sequences("wh_2"), (seqs{2, 1}));
  // Newest by insertion, not by sequence: a retry of an older event.
  auto retry = delivery("wh_1", 2);
  retry.attempt = 2;
  retry.status = 0;
  retry.error = "connection refused";
  retry.response = "";
  CAF_REQUIRE(!webhooks->add_delivery(retry, 3));
  CAF_CHECK_EQUAL(sequences("wh_1"), (seqs{2, 5, 4}));
  reopen();
  auto xs = webhooks->deliveries("wh_1", 1);
  CAF_REQUIRE(xs);
  CAF_REQUIRE_EQUAL(xs->size(), 1u);
  auto& x = xs->front();
  CAF_CHECK_EQUAL(x.webhook_id, "wh_1");
  CAF_CHECK_EQUAL(x.sequence, 2);
  CAF_CHECK_EQUAL(x.attempt, 2);
  CAF_CHECK_EQUAL(x.status, 0);
  CAF_CHECK_EQUAL(x.latency_ms, 12);
  CAF_CHECK_EQUAL(x.error, "connection refused");
  CAF_CHECK_EQUAL(x.response, "");
  CAF_CHECK_EQUAL(x.at_ms, 5002);
  auto ok = webhooks->deliveries("wh_1", 3);
  CAF_REQUIRE(ok);
  CAF_REQUIRE_EQUAL(ok->size(), 3u);
  CAF_CHECK_EQUAL(ok->at(1).status, 200);
  CAF_CHECK_EQUAL(ok->at(1).response, "ok");
  CAF_CHECK_EQUAL(ok->at(1).error, "");
}

CAF_TEST(deleting a webhook deletes its deliveries) {
  create(hook("wh_1", "alice"));
  create(hook("wh_2", "alice"));
  for (int64_t seq = 1; seq <= 3; ++seq) {
    CAF_REQUIRE(!webhooks->add_delivery(delivery("wh_1", seq), 10));
    CAF_REQUIRE(!webhooks->add_delivery(delivery("wh_2", seq), 10));
  }
  CAF_REQUIRE(!webhooks->delete_webhook("alice", "wh_1"));
  auto gone = webhooks->find_webhook("alice", "wh_1");
  CAF_REQUIRE(gone);
  CAF_CHECK(!gone->has_value());
  CAF_CHECK(sequences("wh_1").empty());
  CAF_CHECK_EQUAL(sequences("wh_2"), (seqs{3, 2, 1}));
  CAF_CHECK_EQUAL(ids(webhooks->list_webhooks("alice")), (strings{"wh_2"}));
  CAF_CHECK_EQUAL(webhooks->delete_webhook("alice", "wh_1"), ec::not_found);
  // The id can be used again, without the old history.
  create(hook("wh_1", "alice"));
  CAF_CHECK(sequences("wh_1").empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
