#define CAF_SUITE store.feeds

#include <optional>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

using strings = std::vector<std::string>;

struct fixture : test::backend {
  /// The store under test (reopened stores replace it).
  feed_store& feeds() {
    return *stores.feeds;
  }

  /// A feed whose token hash is `hash-<id>` unless given.
  static feed_record feed(const std::string& id, const std::string& user,
                          int64_t created_ms = 1000,
                          const std::string& hash = "") {
    feed_record x;
    x.id = id;
    x.user_id = user;
    x.token_hash = hash.empty() ? "hash-" + id : hash;
    x.description = "feed " + id;
    x.created_ms = created_ms;
    return x;
  }

  /// Creates `x` (at most 10 per user).
  void create(const feed_record& x) {
    if (auto err = feeds().create_feed(x, 10))
      CAF_FAIL("create_feed " << x.id << ": " << describe(err));
  }

  strings list(const std::string& user) {
    auto xs = feeds().list_feeds(user);
    if (!xs)
      CAF_FAIL("list_feeds " << user << ": " << describe(xs.error()));
    strings result;
    for (auto& x : *xs)
      result.push_back(x.id);
    return result;
  }

  std::optional<feed_record> find(const std::string& hash) {
    auto found = feeds().find_feed(hash);
    if (!found)
      CAF_FAIL("find_feed " << hash << ": " << describe(found.error()));
    return std::move(*found);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(feed_tests, fixture)

CAF_TEST(feeds are listed per user oldest first) {
  create(feed("feed_c", "alice", 3000));
  create(feed("feed_a", "bob", 1000));
  create(feed("feed_b", "alice", 2000));
  create(feed("feed_0", "alice", 2000));
  auto x = feed("feed_d", "alice", 100);
  x.description = "Work \"todos\", ünïcode";
  create(x);
  reopen();
  CAF_CHECK_EQUAL(list("alice"),
                  (strings{"feed_d", "feed_0", "feed_b", "feed_c"}));
  CAF_CHECK_EQUAL(list("bob"), (strings{"feed_a"}));
  CAF_CHECK(list("carol").empty());
  auto xs = feeds().list_feeds("alice");
  CAF_REQUIRE(xs);
  CAF_REQUIRE_EQUAL(xs->size(), 4u);
  auto& first = xs->front();
  CAF_CHECK_EQUAL(first.id, "feed_d");
  CAF_CHECK_EQUAL(first.user_id, "alice");
  CAF_CHECK_EQUAL(first.token_hash, "hash-feed_d");
  CAF_CHECK_EQUAL(first.description, "Work \"todos\", ünïcode");
  CAF_CHECK_EQUAL(first.created_ms, 100);
}

CAF_TEST(a user has at most max_per_user feeds) {
  CAF_REQUIRE(!feeds().create_feed(feed("feed_1", "alice"), 2));
  CAF_REQUIRE(!feeds().create_feed(feed("feed_2", "alice"), 2));
  auto third = feeds().create_feed(feed("feed_3", "alice"), 2);
  CAF_CHECK_EQUAL(third, ec::limit_exceeded);
  CAF_CHECK_EQUAL(error_field(third), "feeds");
  CAF_CHECK(describe(third).find("at most 2") != std::string::npos);
  CAF_CHECK(!find("hash-feed_3"));
  CAF_CHECK_EQUAL(list("alice"), (strings{"feed_1", "feed_2"}));
  // The limit is per user.
  CAF_CHECK(!feeds().create_feed(feed("feed_4", "bob"), 2));
  // A deleted feed no longer counts.
  CAF_REQUIRE(!feeds().delete_feed("alice", "feed_1"));
  CAF_CHECK(!feeds().create_feed(feed("feed_3", "alice"), 2));
  CAF_CHECK_EQUAL(feeds().create_feed(feed("feed_5", "alice"), 2),
                  ec::limit_exceeded);
}

CAF_TEST(a taken id or token hash is a conflict and changes nothing) {
  create(feed("feed_1", "alice", 1000, "h1"));
  // The same hash under another id, even of another user.
  auto same_hash = feeds().create_feed(feed("feed_2", "bob", 2000, "h1"), 10);
  CAF_CHECK_EQUAL(same_hash, ec::conflict);
  auto same_id = feeds().create_feed(feed("feed_1", "bob", 2000, "h2"), 10);
  CAF_CHECK_EQUAL(same_id, ec::conflict);
  CAF_CHECK(list("bob").empty());
  CAF_CHECK(!find("h2"));
  auto x = find("h1");
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(x->id, "feed_1");
  CAF_CHECK_EQUAL(x->user_id, "alice");
  // The store still works after the failed transactions.
  create(feed("feed_2", "bob", 2000, "h2"));
  CAF_CHECK_EQUAL(list("bob"), (strings{"feed_2"}));
}

CAF_TEST(a feed is found by its token hash) {
  auto hash = std::string(64, 'a');
  create(feed("feed_1", "alice", 1500, hash));
  create(feed("feed_2", "bob", 1600));
  reopen();
  auto x = find(hash);
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(x->id, "feed_1");
  CAF_CHECK_EQUAL(x->user_id, "alice");
  CAF_CHECK_EQUAL(x->token_hash, hash);
  CAF_CHECK_EQUAL(x->description, "feed feed_1");
  CAF_CHECK_EQUAL(x->created_ms, 1500);
  CAF_CHECK_EQUAL(std::string{find("hash-feed_2")->id}, "feed_2");
  CAF_CHECK(!find(std::string(64, 'b')));
  CAF_CHECK(!find(""));
  // Exact match only: the case of the hex matters.
  CAF_CHECK(!find(std::string(64, 'A')));
}

CAF_TEST(a deleted feed is gone with its hash) {
  create(feed("feed_1", "alice"));
  create(feed("feed_2", "alice", 2000));
  // Another user's, or none, is not there and stays.
  CAF_CHECK_EQUAL(feeds().delete_feed("bob", "feed_1"), ec::not_found);
  CAF_CHECK_EQUAL(feeds().delete_feed("alice", "feed_none"), ec::not_found);
  CAF_CHECK(find("hash-feed_1"));
  CAF_REQUIRE(!feeds().delete_feed("alice", "feed_1"));
  reopen();
  CAF_CHECK(!find("hash-feed_1"));
  CAF_CHECK_EQUAL(list("alice"), (strings{"feed_2"}));
  // Deleted once: not there the second time.
  CAF_CHECK_EQUAL(feeds().delete_feed("alice", "feed_1"), ec::not_found);
  // A revoked token's hash is free again (a new token, a new row).
  create(feed("feed_3", "alice", 3000, "hash-feed_1"));
  CAF_CHECK_EQUAL(std::string{find("hash-feed_1")->id}, "feed_3");
}

CAF_TEST_FIXTURE_SCOPE_END()
