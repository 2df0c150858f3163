#define CAF_SUITE actors.accounts

#include <filesystem>

#include <nlohmann/json.hpp>

#include "actors/accounts.hpp"
#include "actors/auth/password.hpp"
#include "actors/hasher.hpp"

#include "tests/actors/fixture.hpp"

using namespace actodo;
using actodo::actors::reply;
using std::string;

namespace {

struct fixture : test_coordinator_fixture<test::test_config> {
  fixture() {
    std::filesystem::create_directories(dir.path + "/data");
    auto opened = persistence::account_store::open(dir.path + "/data");
    if (!opened)
      CAF_FAIL("cannot open: " << caf::to_string(opened.error()));
    store = std::move(*opened);
    persistence::user_record alice{"u_alice", "alice",
                                   actors::auth::hash_password(password), 1};
    CAF_REQUIRE(!store->create_user(alice));
    actors::token_settings settings;
    settings.secret = "0123456789abcdef0123456789abcdef";
    settings.limits.user_failures = 2;
    settings.limits.address_failures = 5;
    settings.limits.hash_queue = 4;
    settings.prune_interval = caf::timespan{0};
    hasher = sys.spawn(actors::hasher, size_t{0});
    accounts = sys.spawn(actors::accounts, store, settings,
                         std::vector<actors::hasher_actor>{hasher});
    sched.run();
  }

  ~fixture() override {
    caf::anon_send_exit(accounts, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(hasher, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void login(const string& user, const string& pw, const string& remote) {
    self->send(accounts, atom::login::value, user, pw, remote);
    expect((atom::login, string, string, string), from(self).to(accounts));
  }

  reply answer() {
    reply r;
    self->receive([&](reply& x) { r = std::move(x); },
                  caf::after(std::chrono::seconds(0)) >>
                    [] { CAF_FAIL("no reply"); });
    return r;
  }

  const string password = "correct horse battery";
  test::temp_dir dir;
  std::shared_ptr<persistence::account_store> store;
  actors::hasher_actor hasher;
  actors::accounts_actor accounts;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(accounts_tests, fixture)

CAF_TEST(me and refresh are answered while password checks are pending) {
  login("alice", password, "10.0.0.1");
  login("alice", "wrong", "10.0.0.1");
  // One check runs at the hasher, one waits its turn; the accounts actor
  // is free.
  CAF_CHECK(self->mailbox().empty());
  self->send(accounts, atom::me::value, string{"u_alice"});
  expect((atom::me, string), from(self).to(accounts));
  auto me = answer();
  CAF_CHECK_EQUAL(me.status, 200);
  // Now the hasher runs: the good password gets tokens, the bad one 401.
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts).with(true));
  auto good = answer();
  CAF_REQUIRE_EQUAL(good.status, 200);
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts).with(false));
  CAF_CHECK_EQUAL(answer().status, 401);
  auto tokens = nlohmann::json::parse(good.body);
  self->send(accounts, atom::refresh::value,
             tokens["refresh_token"].get<string>());
  expect((atom::refresh, string), from(self).to(accounts));
  CAF_CHECK_EQUAL(answer().status, 200);
}

CAF_TEST(concurrent wrong logins beyond the budget never reach the hasher) {
  for (int i = 0; i < 5; ++i)
    login("alice", "wrong", "10.0.0.2");
  // Two checks run (the budget is 2); the other three are refused at once,
  // told to come back soon (the running checks may still succeed).
  for (int i = 0; i < 3; ++i) {
    auto r = answer();
    CAF_CHECK_EQUAL(r.status, 429);
    CAF_CHECK_GREATER(nlohmann::json::parse(r.body).value("retry_after", 0), 0);
  }
  for (int i = 0; i < 2; ++i) {
    expect((atom::verify, string, string), from(accounts).to(hasher));
    expect((bool), from(hasher).to(accounts));
    CAF_CHECK_EQUAL(answer().status, 401);
  }
  // The right password is refused too while the username is throttled...
  login("alice", password, "10.0.0.3");
  CAF_CHECK_EQUAL(answer().status, 429);
  // ... and other users are not affected.
  login("bob", "whatever1", "10.0.0.3");
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts));
  CAF_CHECK_EQUAL(answer().status, 401);
  // A name no account can have is refused without a hash (and counts for
  // the address).
  login(string(100000, 'x'), "whatever1", "10.0.0.4");
  CAF_CHECK_EQUAL(answer().status, 401);
  auto& st = deref<
               actors::accounts_actor::stateful_base<actors::accounts_state>>(
               accounts)
               .state;
  CAF_CHECK_EQUAL(st.busy[0], 0u);
  CAF_CHECK_EQUAL(st.user_failures.size(), 2u); // alice and bob only
}

CAF_TEST(a refresh token replayed after the grace period revokes its family) {
  login("alice", password, "10.0.0.1");
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts));
  auto first = nlohmann::json::parse(answer().body);
  auto refresh = [&](const string& token) {
    self->send(accounts, atom::refresh::value, token);
    expect((atom::refresh, string), from(self).to(accounts));
    return answer();
  };
  auto r1 = refresh(first["refresh_token"]);
  CAF_REQUIRE_EQUAL(r1.status, 200);
  // Within the grace period: the same pair again.
  auto again = refresh(first["refresh_token"]);
  CAF_CHECK_EQUAL(again.body, r1.body);
  auto second = nlohmann::json::parse(r1.body);
  // After the grace period (forgotten by the cache): a replay.
  deref<actors::accounts_actor::stateful_base<actors::accounts_state>>(accounts)
    .state.grace.expire(std::numeric_limits<int64_t>::max());
  CAF_CHECK_EQUAL(refresh(first["refresh_token"]).status, 401);
  // The whole family is gone, the newest token included.
  CAF_CHECK_EQUAL(refresh(second["refresh_token"]).status, 401);
  auto left = store->count_refresh();
  CAF_REQUIRE(left);
  CAF_CHECK_EQUAL(*left, 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
