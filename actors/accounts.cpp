#include "actors/accounts.hpp"

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

reply json_reply(int status, const nlohmann::json& body) {
  reply r;
  r.status = status;
  r.body = body.dump();
  return r;
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

} // namespace

reply accounts_state::issue(const std::string& user_id) {
  auto now = domain::now_ms() / 1000;
  auth::claims c{user_id, now, now + seconds(settings.access_ttl),
                 auth::random_token(12)};
  auto refresh = auth::random_token(32);
  auto expires = domain::now_ms()
                 + std::chrono::duration_cast<std::chrono::milliseconds>(
                     settings.refresh_ttl)
                     .count();
  if (auto err = store->save_refresh(auth::sha256_hex(refresh), user_id,
                                     expires))
    return problem_reply(503, "cannot store the refresh token");
  return json_reply(200, {{"access_token", auth::sign_jwt(c, settings.secret)},
                          {"token_type", "Bearer"},
                          {"expires_in", seconds(settings.access_ttl)},
                          {"refresh_token", refresh}});
}

reply accounts_state::signup(const std::string& username,
                             const std::string& password) {
  auto name = domain::ascii_lower(username);
  if (!valid_username(name))
    return problem_reply(400, "must be 3-64 characters of [a-z0-9._-]",
                         "username");
  if (password.size() < 8 || password.size() > 1024)
    return problem_reply(400, "must be 8-1024 bytes", "password");
  persistence::user_record user{
    new_id("u_"), name, auth::hash_password(password), domain::now_ms()};
  if (auto err = store->create_user(user)) {
    if (err == ec::conflict)
      return problem_reply(409, "username is taken", "username");
    return problem_reply(503, "cannot store the account");
  }
  return json_reply(201, account_json(user));
}

reply accounts_state::login(const std::string& username,
                            const std::string& password) {
  auto found = store->find_by_name(domain::ascii_lower(username));
  if (!found)
    return problem_reply(503, "cannot read accounts");
  // The same answer (and about the same time) for an unknown user and a
  // wrong password.
  static const std::string dummy = auth::hash_password("not a password");
  auto& hash = *found ? (*found)->password_hash : dummy;
  if (!auth::verify_password(password, hash) || !*found)
    return problem_reply(401, "wrong username or password");
  return issue((*found)->id);
}

reply accounts_state::refresh(const std::string& token) {
  auto user = store->consume_refresh(auth::sha256_hex(token), domain::now_ms());
  if (!user)
    return problem_reply(503, "cannot read tokens");
  if (!*user)
    return problem_reply(401, "refresh token is invalid, used or expired",
                         "refresh_token");
  return issue(**user);
}

reply accounts_state::logout(const std::string& token) {
  auto user = store->consume_refresh(auth::sha256_hex(token), domain::now_ms());
  if (!user)
    return problem_reply(503, "cannot read tokens");
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

accounts_actor::behavior_type
accounts(accounts_actor::stateful_pointer<accounts_state> self,
         std::shared_ptr<persistence::account_store> store,
         token_settings settings) {
  self->state.store = std::move(store);
  self->state.settings = std::move(settings);
  return {
    [self](atom::signup, const std::string& user, const std::string& pw) {
      return self->state.signup(user, pw);
    },
    [self](atom::login, const std::string& user, const std::string& pw) {
      return self->state.login(user, pw);
    },
    [self](atom::refresh, const std::string& token) {
      return self->state.refresh(token);
    },
    [self](atom::logout, const std::string& token) {
      return self->state.logout(token);
    },
    [self](atom::me, const std::string& user) { return self->state.me(user); },
  };
}

} // namespace actodo::actors
