#include "actors/accounts.hpp"

#include <algorithm>
#include <iostream>
#include <limits>
#include <numeric>

#include "caf/event_based_actor.hpp"
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/auth/jwt.hpp"
#include "actors/auth/password.hpp"
#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"
#include "actors/problem.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

using clock = auth::budget::clock;

reply json_reply(int status, const nlohmann::json& body) {
  reply r;
  r.status = status;
  r.body = body.dump();
  return r;
}

/// A refusal the client may retry after `seconds` (the web layer turns
/// `retry_after` into a `Retry-After` header).
reply retry_later(int status, int64_t seconds, std::string_view detail) {
  auto doc = nlohmann::json::parse(make_problem(status, detail));
  doc["retry_after"] = seconds;
  return json_reply(status, doc);
}

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

nlohmann::json account_json(const persistence::user_record& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"created_at", domain::format_rfc3339_ms(u.created_ms)}};
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

reply pool_full() {
  return retry_later(503, 1, "too many password checks at once");
}

} // namespace

bool accounts_state::can_queue() const {
  auto pending = std::accumulate(busy.begin(), busy.end(), waiting.size());
  return !hashers.empty() && pending < settings.limits.hash_queue;
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

reply accounts_state::issue(const std::string& user_id, std::string family) {
  auto now = domain::now_ms() / 1000;
  auth::claims c{user_id, now, add_saturated(now, seconds(settings.access_ttl)),
                 auth::random_token(12)};
  auto refresh = auth::random_token(32);
  if (family.empty())
    family = auth::random_token(16);
  auto expires = add_saturated(domain::now_ms(), millis(settings.refresh_ttl));
  if (auto err = store->save_refresh(auth::sha256_hex(refresh), user_id, family,
                                     expires))
    return problem_reply(503, "cannot store the refresh token");
  return json_reply(200, {{"access_token", auth::sign_jwt(c, settings.secret)},
                          {"token_type", "Bearer"},
                          {"expires_in", seconds(settings.access_ttl)},
                          {"refresh_token", refresh}});
}

caf::result<reply> accounts_state::signup(const std::string& username,
                                          const std::string& password,
                                          const std::string& remote) {
  auto name = domain::ascii_lower(username);
  if (!valid_username(name))
    return problem_reply(400, "must be 3-64 characters of [a-z0-9._-]",
                         "username");
  if (password.size() < 8 || password.size() > 1024)
    return problem_reply(400, "must be 8-1024 bytes", "password");
  auto now = clock::now();
  if (auto wait = registrations.retry_after(remote, now); wait > 0)
    return retry_later(429, wait, "too many registrations from this address");
  if (!can_queue())
    return pool_full();
  registrations.start(remote, now);
  auto rp = self->make_response_promise<reply>();
  hash_job job;
  job.queued = now;
  job.run = [this, rp, name, remote, password](size_t w) mutable {
    self
      ->request(hashers[w], settings.hash_timeout, atom::hash::value, password)
      .then(
        [this, rp, w, name, remote](std::string& hash) mutable {
          registrations.finish(remote, true);
          persistence::user_record user{new_id("u_"), name, std::move(hash),
                                        domain::now_ms()};
          if (auto err = store->create_user(user))
            rp.deliver(err == ec::conflict
                         ? problem_reply(409, "username is taken", "username")
                         : problem_reply(503, "cannot store the account"));
          else
            rp.deliver(json_reply(201, account_json(user)));
          finished(w);
        },
        [this, rp, w, remote](caf::error& err) mutable {
          registrations.finish(remote, false);
          std::cerr << "actodo: accounts: hashing failed: " << describe(err)
                    << '\n';
          rp.deliver(
            retry_later(503, 1, "cannot hash the password: " + describe(err)));
          finished(w);
        });
  };
  job.give_up = [this, rp, remote]() mutable {
    registrations.finish(remote, false);
    rp.deliver(retry_later(503, 1, "too many password checks at once"));
  };
  enqueue(name, std::move(job));
  return rp;
}

caf::result<reply> accounts_state::login(const std::string& username,
                                         const std::string& password,
                                         const std::string& remote) {
  auto name = domain::ascii_lower(username);
  auto now = clock::now();
  auto wait = std::max(user_failures.retry_after(name, now),
                       address_failures.retry_after(remote, now));
  if (wait > 0)
    return retry_later(429, wait, "too many failed logins; retry later");
  if (!valid_username(name)) {
    // No such account can exist: a failure of the address, without a hash
    // (and without a budget entry keyed by an arbitrary string).
    address_failures.start(remote, now);
    address_failures.finish(remote, true);
    return problem_reply(401, "wrong username or password");
  }
  auto found = store->find_by_name(name);
  if (!found)
    return problem_reply(503, "cannot read accounts");
  if (!can_queue())
    return pool_full();
  // The same answer (and the same work) for an unknown user and a wrong
  // password.
  std::string user_id = *found ? (*found)->id : std::string{};
  auto hash = *found ? (*found)->password_hash : dummy_hash;
  user_failures.start(name, now);
  address_failures.start(remote, now);
  auto rp = self->make_response_promise<reply>();
  hash_job job;
  job.queued = now;
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
            rp.deliver(issue(user_id, {}));
          } else {
            rp.deliver(problem_reply(401, "wrong username or password"));
          }
          finished(w);
        },
        [this, rp, w, name, remote](caf::error& err) mutable {
          user_failures.finish(name, false);
          address_failures.finish(remote, false);
          std::cerr << "actodo: accounts: password check failed: "
                    << describe(err) << '\n';
          rp.deliver(
            retry_later(503, 1, "cannot check the password: " + describe(err)));
          finished(w);
        });
  };
  job.give_up = [this, rp, name, remote]() mutable {
    user_failures.finish(name, false);
    address_failures.finish(remote, false);
    rp.deliver(retry_later(503, 1, "too many password checks at once"));
  };
  enqueue(name, std::move(job));
  return rp;
}

reply accounts_state::refresh(const std::string& token) {
  auto now = domain::now_ms();
  auto key = auth::sha256_hex(token);
  if (auto* again = grace.find(key, now))
    return *again;
  // Marking the old token used and storing the new one happen together or
  // not at all: a 503 leaves the token usable for the client's retry.
  if (store->begin())
    return problem_reply(503, "cannot read tokens");
  std::string family;
  auto answer = rotate(key, now, family);
  if (answer.status >= 500) {
    store->rollback();
    return answer;
  }
  if (store->commit()) {
    store->rollback();
    return problem_reply(503, "cannot store the refresh token");
  }
  auto ttl = millis(settings.limits.refresh_grace);
  if (answer.status == 200 && ttl > 0)
    grace.remember(key, family, answer, add_saturated(now, ttl));
  if (answer.status == 401 && !family.empty())
    grace.forget_family(family);
  return answer;
}

reply accounts_state::rotate(const std::string& key, int64_t now,
                             std::string& family) {
  using outcome = persistence::refresh_use::outcome;
  auto use = store->use_refresh(key, now);
  if (!use)
    return problem_reply(503, "cannot read tokens");
  switch (use->result) {
    case outcome::fresh:
      family = use->family;
      return issue(use->user_id, use->family);
    case outcome::reused:
      // A replay outside the grace period: someone else may hold the
      // family's current token. Revoke them all (RFC 6819 5.2.2.3).
      if (auto n = store->revoke_family(use->family); !n)
        return problem_reply(503, "cannot revoke tokens");
      family = use->family;
      return problem_reply(401,
                           "refresh token was used before; every token of "
                           "this login is revoked",
                           "refresh_token");
    default:
      return problem_reply(401, "refresh token is invalid, used or expired",
                           "refresh_token");
  }
}

reply accounts_state::logout(const std::string& token) {
  auto use = store->use_refresh(auth::sha256_hex(token), domain::now_ms());
  if (!use)
    return problem_reply(503, "cannot read tokens");
  if (use->result != persistence::refresh_use::outcome::unknown) {
    if (auto n = store->revoke_family(use->family); !n)
      return problem_reply(503, "cannot revoke tokens");
    grace.forget_family(use->family);
  }
  reply r;
  r.status = 204;
  return r;
}

reply accounts_state::me(const std::string& user_id) {
  auto found = store->find_by_id(user_id);
  if (!found)
    return problem_reply(503, "cannot read accounts");
  if (!*found)
    return problem_reply(404, "no such account");
  return json_reply(200, account_json(**found));
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
  const auto& lim = st.settings.limits;
  st.user_failures = auth::budget{lim.user_failures, lim.window};
  st.address_failures = auth::budget{lim.address_failures, lim.window};
  st.registrations = auth::budget{lim.registrations, lim.register_window};
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
