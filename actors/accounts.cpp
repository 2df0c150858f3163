#include "actors/accounts.hpp"

#include <algorithm>
#include <iostream>
#include <limits>
#include <numeric>
#include <string_view>

#include "caf/event_based_actor.hpp"

#include "actors/apply.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/auth/password.hpp"
#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

using clock = auth::budget::clock;

/// 3-64 characters of [a-z0-9._-] (usernames are case-insensitive).
bool valid_username(const std::string& name) {
  if (name.size() < 3 || name.size() > 64)
    return false;
  for (auto c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
          || c == '_' || c == '-'))
      return false;
  return true;
}

account_info account_of(const persistence::user_record& u) {
  return {u.id, u.username, u.created_ms};
}

int64_t seconds(caf::timespan x) {
  return std::chrono::duration_cast<std::chrono::seconds>(x).count();
}

int64_t millis(caf::timespan x) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(x).count();
}

/// `a + b` without overflow (saturates at the int64 range).
int64_t add_saturated(int64_t a, int64_t b) {
  constexpr auto hi = std::numeric_limits<int64_t>::max();
  constexpr auto lo = std::numeric_limits<int64_t>::min();
  if (b > 0 && a > hi - b)
    return hi;
  if (b < 0 && a < lo - b)
    return lo;
  return a + b;
}

/// Too many hashes wait, or this one waited too long: nothing happened.
caf::error pool_full() {
  return make_retry_error(ec::unavailable, {},
                          "too many password checks at once", 1);
}

/// The hasher failed (or timed out) on the job: nothing happened.
caf::error hasher_failed(std::string_view what, const caf::error& err) {
  return make_retry_error(ec::unavailable, {},
                          std::string{what} + ": " + describe(err), 1);
}

/// The store failed `cause`; logged, answered as `what`.
caf::error store_failed(std::string what, const caf::error& cause) {
  std::cerr << "actodo: accounts: " << what << ": " << describe(cause) << '\n';
  return caf::make_error(ec::store_failure, std::move(what));
}

caf::error wrong_credentials() {
  return make_field_error(ec::unauthorized, {}, "wrong username or password");
}

template<class T>
void deliver(caf::typed_response_promise<T>& rp, caf::expected<T> x) {
  if (x)
    rp.deliver(std::move(*x));
  else
    rp.deliver(std::move(x.error()));
}

} // namespace

bool accounts_state::can_queue() const {
  auto pending = std::accumulate(busy.begin(), busy.end(), waiting.size());
  return !hashers.empty() && pending < settings.hash_queue;
}

void accounts_state::enqueue(const std::string& key, hash_job job) {
  waiting.push(key, std::move(job));
  dispatch();
}

void accounts_state::dispatch() {
  for (size_t w = 0; w < busy.size() && !waiting.empty();) {
    if (busy[w] > 0) {
      ++w;
      continue;
    }
    auto job = waiting.pop();
    if (clock::now() - job.queued > settings.hash_timeout) {
      job.give_up();
      continue;
    }
    ++busy[w];
    job.run(w);
  }
}

void accounts_state::finished(size_t w) {
  --busy[w];
  dispatch();
}

caf::expected<token_pair> accounts_state::issue(const std::string& user_id,
                                                std::string family) {
  auto now = domain::now_ms() / 1000;
  access_claims c{user_id, now,
                  add_saturated(now, seconds(settings.access_ttl)),
                  auth::random_token(12)};
  auto refresh = auth::random_token(32);
  if (family.empty())
    family = auth::random_token(16);
  auto expires = add_saturated(domain::now_ms(), millis(settings.refresh_ttl));
  if (auto err = store->save_refresh(auth::sha256_hex(refresh), user_id, family,
                                     expires))
    return store_failed("cannot store the refresh token", err);
  token_pair out;
  out.access = std::move(c);
  out.expires_in = seconds(settings.access_ttl);
  out.refresh_token = std::move(refresh);
  return out;
}

caf::expected<account_info> accounts_state::create(const std::string& name,
                                                   std::string hash) {
  persistence::user_record user{new_id("u_"), name, std::move(hash),
                                domain::now_ms()};
  if (auto err = store->create_user(user)) {
    if (err == ec::conflict)
      return make_field_error(ec::conflict, "username", "username is taken");
    return store_failed("cannot store the account", err);
  }
  return account_of(user);
}

caf::result<account_info> accounts_state::signup(const std::string& username,
                                                 const std::string& password,
                                                 const std::string& remote) {
  auto name = domain::ascii_lower(username);
  if (!valid_username(name))
    return make_field_error(ec::invalid_field, "username",
                            "must be 3-64 characters of [a-z0-9._-]");
  if (password.size() < 8 || password.size() > 1024)
    return make_field_error(ec::invalid_field, "password",
                            "must be 8-1024 bytes");
  auto now = clock::now();
  if (auto wait = registrations.retry_after(remote, now); wait > 0)
    return make_retry_error(ec::throttled, {},
                            "too many registrations from this address", wait);
  if (!can_queue())
    return pool_full();
  registrations.start(remote, now);
  auto rp = self->make_response_promise<account_info>();
  hash_job job;
  job.queued = now;
  job.run = [this, rp, name, remote, password](size_t w) mutable {
    self
      ->request(hashers[w], settings.hash_timeout, atom::hash::value, password)
      .then(
        [this, rp, w, name, remote](std::string& hash) mutable {
          registrations.finish(remote, true);
          deliver(rp, create(name, std::move(hash)));
          finished(w);
        },
        [this, rp, w, remote](caf::error& err) mutable {
          registrations.finish(remote, false);
          std::cerr << "actodo: accounts: hashing failed: " << describe(err)
                    << '\n';
          rp.deliver(hasher_failed("cannot hash the password", err));
          finished(w);
        });
  };
  job.give_up = [this, rp, remote]() mutable {
    registrations.finish(remote, false);
    rp.deliver(pool_full());
  };
  enqueue(name, std::move(job));
  return rp;
}

caf::result<token_pair> accounts_state::login(const std::string& username,
                                              const std::string& password,
                                              const std::string& remote) {
  auto name = domain::ascii_lower(username);
  auto now = clock::now();
  auto wait = std::max(user_failures.retry_after(name, now),
                       address_failures.retry_after(remote, now));
  if (wait > 0)
    return make_retry_error(ec::throttled, {},
                            "too many failed logins; retry later", wait);
  if (!valid_username(name)) {
    // No such account can exist: a failure of the address, without a hash
    // (and without a budget entry keyed by an arbitrary string).
    address_failures.start(remote, now);
    address_failures.finish(remote, true);
    return wrong_credentials();
  }
  auto found = store->find_by_name(name);
  if (!found)
    return store_failed("cannot read accounts", found.error());
  if (!can_queue())
    return pool_full();
  // The same answer (and the same work) for an unknown user and a wrong
  // password.
  std::string user_id = *found ? (*found)->id : std::string{};
  auto hash = *found ? (*found)->password_hash : dummy_hash;
  user_failures.start(name, now);
  address_failures.start(remote, now);
  return check_password(name, remote, std::move(user_id), password,
                        std::move(hash));
}

caf::result<token_pair>
accounts_state::check_password(const std::string& name,
                               const std::string& remote, std::string user_id,
                               std::string password, std::string hash) {
  auto rp = self->make_response_promise<token_pair>();
  hash_job job;
  job.queued = clock::now();
  job.run = [this, rp, name, remote, user_id, password,
             hash](size_t w) mutable {
    self
      ->request(hashers[w], settings.hash_timeout, atom::verify::value,
                password, hash)
      .then(
        [this, rp, w, name, remote, user_id](bool ok) mutable {
          auto good = ok && !user_id.empty();
          user_failures.finish(name, !good);
          address_failures.finish(remote, !good);
          if (good) {
            user_failures.clear(name);
            deliver(rp, issue(user_id, {}));
          } else {
            rp.deliver(wrong_credentials());
          }
          finished(w);
        },
        [this, rp, w, name, remote](caf::error& err) mutable {
          user_failures.finish(name, false);
          address_failures.finish(remote, false);
          std::cerr << "actodo: accounts: password check failed: "
                    << describe(err) << '\n';
          rp.deliver(hasher_failed("cannot check the password", err));
          finished(w);
        });
  };
  job.give_up = [this, rp, name, remote]() mutable {
    user_failures.finish(name, false);
    address_failures.finish(remote, false);
    rp.deliver(pool_full());
  };
  enqueue(name, std::move(job));
  return rp;
}

caf::expected<token_pair> accounts_state::refresh(const std::string& token) {
  auto now = domain::now_ms();
  auto key = auth::sha256_hex(token);
  if (auto* again = grace.find(key, now))
    return *again;
  // Marking the old token used and storing the new one happen together or
  // not at all: a failure leaves the token usable for the client's retry.
  if (auto err = store->begin())
    return store_failed("cannot read tokens", err);
  std::string family;
  auto answer = rotate(key, now, family);
  if (!answer && answer.error() != ec::unauthorized) {
    store->rollback();
    return answer;
  }
  if (auto err = store->commit()) {
    store->rollback();
    return store_failed("cannot store the refresh token", err);
  }
  auto ttl = millis(settings.refresh_grace);
  if (answer && ttl > 0)
    grace.remember(key, family, *answer, add_saturated(now, ttl));
  if (!answer && !family.empty())
    grace.forget_family(family);
  return answer;
}

caf::expected<token_pair> accounts_state::rotate(const std::string& key,
                                                 int64_t now,
                                                 std::string& family) {
  using outcome = persistence::refresh_use::outcome;
  auto use = store->use_refresh(key, now);
  if (!use)
    return store_failed("cannot read tokens", use.error());
  switch (use->result) {
    case outcome::fresh:
      family = use->family;
      return issue(use->user_id, use->family);
    case outcome::reused:
      // A replay outside the grace period: someone else may hold the
      // family's current token. Revoke them all (RFC 6819 5.2.2.3).
      if (auto n = store->revoke_family(use->family); !n)
        return store_failed("cannot revoke tokens", n.error());
      family = use->family;
      return make_field_error(ec::unauthorized, "refresh_token",
                              "refresh token was used before; every token of "
                              "this login is revoked");
    default:
      return make_field_error(ec::unauthorized, "refresh_token",
                              "refresh token is invalid, used or expired");
  }
}

caf::expected<logged_out> accounts_state::logout(const std::string& token) {
  auto use = store->use_refresh(auth::sha256_hex(token), domain::now_ms());
  if (!use)
    return store_failed("cannot read tokens", use.error());
  if (use->result != persistence::refresh_use::outcome::unknown) {
    if (auto n = store->revoke_family(use->family); !n)
      return store_failed("cannot revoke tokens", n.error());
    grace.forget_family(use->family);
  }
  return logged_out{};
}

caf::expected<account_info> accounts_state::me(const std::string& user_id) {
  auto found = store->find_by_id(user_id);
  if (!found)
    return store_failed("cannot read accounts", found.error());
  if (!*found)
    return make_field_error(ec::not_found, {}, "no such account");
  return account_of(**found);
}

void accounts_state::prune() {
  auto now = domain::now_ms();
  grace.expire(now);
  if (auto n = store->prune_refresh(now); !n)
    std::cerr << "actodo: accounts: cannot prune refresh tokens: "
              << describe(n.error()) << '\n';
}

accounts_actor::behavior_type
accounts(accounts_actor::stateful_pointer<accounts_state> self,
         std::shared_ptr<persistence::account_store> store,
         token_settings settings, std::vector<hasher_actor> hashers) {
  auto& st = self->state;
  st.self = self;
  st.store = std::move(store);
  st.settings = std::move(settings);
  st.hashers = std::move(hashers);
  st.busy.assign(st.hashers.size(), 0);
  st.dummy_hash = auth::hash_password("not a password");
  const auto& lim = st.settings;
  st.user_failures = auth::budget{lim.login_user_failures, lim.login_window};
  st.address_failures = auth::budget{lim.login_address_failures,
                                     lim.login_window};
  st.registrations = auth::budget{lim.register_limit, lim.register_window};
  st.prune();
  if (st.settings.prune_interval.count() > 0)
    self->delayed_send(self, st.settings.prune_interval, atom::prune::value);
  return {
    [self](atom::signup, const std::string& user, const std::string& pw,
           const std::string& remote) {
      return self->state.signup(user, pw, remote);
    },
    [self](atom::login, const std::string& user, const std::string& pw,
           const std::string& remote) {
      return self->state.login(user, pw, remote);
    },
    [self](atom::refresh, const std::string& token) {
      return self->state.refresh(token);
    },
    [self](atom::logout, const std::string& token) {
      return self->state.logout(token);
    },
    [self](atom::me, const std::string& user) { return self->state.me(user); },
    [self](atom::prune) {
      self->state.prune();
      self->delayed_send(self, self->state.settings.prune_interval,
                         atom::prune::value);
    },
  };
}

} // namespace actodo::actors
