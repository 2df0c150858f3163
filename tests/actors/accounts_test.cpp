#define CAF_SUITE actors.accounts

#include <filesystem>

#include "actors/accounts.hpp"
#include "actors/auth/password.hpp"
#include "actors/hasher.hpp"
#include "persistence/sqlite_account_store.hpp"

#include "tests/actors/fixture.hpp"

using namespace actodo;
using actodo::actors::account_info;
using actodo::actors::logged_out;
using actodo::actors::token_pair;
using std::string;

namespace {

struct fixture : test_coordinator_fixture<test::test_config> {
  fixture() {
    std::filesystem::create_directories(dir.path + "/data");
    auto opened = persistence::sqlite_account_store::open(
      persistence::database_path(dir.path + "/data"));
    if (!opened)
      CAF_FAIL("cannot open: " << caf::to_string(opened.error()));
    store = std::move(*opened);
    persistence::user_record alice{"u_alice", "alice",
                                   actors::auth::hash_password(password), 1};
    CAF_REQUIRE(!store->create_user(alice));
    actors::token_settings settings;
    settings.login_user_failures = 2;
    settings.login_address_failures = 5;
    settings.hash_queue = 4;
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

  /// The next answer in the mailbox: a `T` or an error.
  template<class T>
  caf::expected<T> answer() {
    caf::expected<T> r = caf::make_error(caf::sec::unexpected_response);
    self->receive([&](T& x) { r = std::move(x); },
                  [&](caf::error& err) { r = std::move(err); },
                  caf::after(std::chrono::seconds(0)) >>
                    [] { CAF_FAIL("no reply"); });
    return r;
  }

  /// Whether `x` is an error with `code`.
  template<class T>
  static bool refused(const caf::expected<T>& x, ec code) {
    return !x && x.error() == code;
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
  auto me = answer<account_info>();
  CAF_REQUIRE(me);
  CAF_CHECK_EQUAL(me->id, "u_alice");
  CAF_CHECK_EQUAL(me->username, "alice");
  CAF_CHECK_EQUAL(me->created_ms, 1);
  // Now the hasher runs: the good password gets tokens, the bad one is
  // refused.
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts).with(true));
  auto good = answer<token_pair>();
  CAF_REQUIRE(good);
  CAF_CHECK_EQUAL(good->expires_in, 15 * 60);
  CAF_CHECK_EQUAL(good->access.sub, "u_alice");
  CAF_CHECK_EQUAL(good->access.exp - good->access.iat, 15 * 60);
  CAF_CHECK(!good->access.jti.empty());
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts).with(false));
  auto bad = answer<token_pair>();
  CAF_CHECK(refused(bad, ec::unauthorized));
  CAF_CHECK_EQUAL(describe(bad.error()), "wrong username or password");
  CAF_CHECK_EQUAL(error_field(bad.error()), "");
  self->send(accounts, atom::refresh::value, good->refresh_token);
  expect((atom::refresh, string), from(self).to(accounts));
  CAF_CHECK(answer<token_pair>());
}

CAF_TEST(concurrent wrong logins beyond the budget never reach the hasher) {
  for (int i = 0; i < 5; ++i)
    login("alice", "wrong", "10.0.0.2");
  // Two checks run (the budget is 2); the other three are refused at once,
  // told to come back soon (the running checks may still succeed).
  for (int i = 0; i < 3; ++i) {
    auto r = answer<token_pair>();
    CAF_REQUIRE(refused(r, ec::throttled));
    CAF_CHECK_EQUAL(describe(r.error()), "too many failed logins; retry later");
    CAF_CHECK_GREATER(retry_after(r.error()), 0);
  }
  for (int i = 0; i < 2; ++i) {
    expect((atom::verify, string, string), from(accounts).to(hasher));
    expect((bool), from(hasher).to(accounts));
    CAF_CHECK(refused(answer<token_pair>(), ec::unauthorized));
  }
  // The right password is refused too while the username is throttled...
  login("alice", password, "10.0.0.3");
  CAF_CHECK(refused(answer<token_pair>(), ec::throttled));
  // ... and other users are not affected.
  login("bob", "whatever1", "10.0.0.3");
  expect((atom::verify, string, string), from(accounts).to(hasher));
  expect((bool), from(hasher).to(accounts));
  CAF_CHECK(refused(answer<token_pair>(), ec::unauthorized));
  // A name no account can have is refused without a hash (and counts for
  // the address).
  login(string(100000, 'x'), "whatever1", "10.0.0.4");
  CAF_CHECK(refused(answer<token_pair>(), ec::unauthorized));
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
  auto first = answer<token_pair>();
  CAF_REQUIRE(first);
  auto refresh = [&](const string& token) {
    self->send(accounts, atom::refresh::value, token);
    expect((atom::refresh, string), from(self).to(accounts));
    return answer<token_pair>();
  };
  auto second = refresh(first->refresh_token);
  CAF_REQUIRE(second);
  CAF_CHECK_NOT_EQUAL(second->refresh_token, first->refresh_token);
  // Within the grace period: the same pair again.
  auto again = refresh(first->refresh_token);
  CAF_REQUIRE(again);
  CAF_CHECK(again->access == second->access);
  CAF_CHECK_NOT_EQUAL(second->access.jti, first->access.jti);
  CAF_CHECK_EQUAL(again->refresh_token, second->refresh_token);
  // After the grace period (forgotten by the cache): a replay.
  deref<actors::accounts_actor::stateful_base<actors::accounts_state>>(accounts)
    .state.grace.expire(std::numeric_limits<int64_t>::max());
  auto replay = refresh(first->refresh_token);
  CAF_REQUIRE(refused(replay, ec::unauthorized));
  CAF_CHECK_EQUAL(error_field(replay.error()), "refresh_token");
  CAF_CHECK_EQUAL(describe(replay.error()),
                  "refresh token was used before; every token of this login "
                  "is revoked");
  // The whole family is gone, the newest token included.
  CAF_CHECK(refused(refresh(second->refresh_token), ec::unauthorized));
  auto left = store->count_refresh();
  CAF_REQUIRE(left);
  CAF_CHECK_EQUAL(*left, 0);
}

CAF_TEST(registrations logouts and unknown accounts answer typed) {
  auto signup = [&](const string& user, const string& pw) {
    self->send(accounts, atom::signup::value, user, pw, string{"10.0.0.5"});
    expect((atom::signup, string, string, string), from(self).to(accounts));
  };
  signup("Bob", "long enough");
  expect((atom::hash, string), from(accounts).to(hasher));
  expect((string), from(hasher).to(accounts));
  auto bob = answer<account_info>();
  CAF_REQUIRE(bob);
  CAF_CHECK_EQUAL(bob->username, "bob");
  CAF_CHECK_EQUAL(bob->id.substr(0, 2), "u_");
  CAF_CHECK_GREATER(bob->created_ms, 1);
  signup("ALICE", "long enough");
  expect((atom::hash, string), from(accounts).to(hasher));
  expect((string), from(hasher).to(accounts));
  auto taken = answer<account_info>();
  CAF_REQUIRE(refused(taken, ec::conflict));
  CAF_CHECK_EQUAL(error_field(taken.error()), "username");
  CAF_CHECK_EQUAL(describe(taken.error()), "username is taken");
  // Checked before any hash.
  signup("a", "long enough");
  auto bad = answer<account_info>();
  CAF_REQUIRE(refused(bad, ec::invalid_field));
  CAF_CHECK_EQUAL(error_field(bad.error()), "username");
  signup("carol", "short");
  bad = answer<account_info>();
  CAF_REQUIRE(refused(bad, ec::invalid_field));
  CAF_CHECK_EQUAL(error_field(bad.error()), "password");
  CAF_CHECK_EQUAL(describe(bad.error()), "must be 8-1024 bytes");
  self->send(accounts, atom::me::value, string{"u_nobody"});
  expect((atom::me, string), from(self).to(accounts));
  CAF_CHECK(refused(answer<account_info>(), ec::not_found));
  self->send(accounts, atom::logout::value, string{"never issued"});
  expect((atom::logout, string), from(self).to(accounts));
  CAF_CHECK(answer<logged_out>());
}

CAF_TEST_FIXTURE_SCOPE_END()
