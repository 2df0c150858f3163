// Accounts: /api/v1/auth/{register,login,refresh,logout} and /api/v1/me.
#include <nlohmann/json.hpp>

#include "io/codec/command_body.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

http_response success(const actors::account_info& x) {
  return json_response(encode(x));
}

http_response success(const actors::logged_out&) {
  http_response res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

/// The callback of an account call: the result as `render` encodes it
/// (with `status` instead of its usual one when given) or the problem.
template<class T, class Render>
actors::gateway::answer<T>
respond(const responder& done, Render render, int status = 0) {
  return [done, render, status](caf::expected<T> x) {
    auto res = x ? render(*x) : response_of(x.error());
    if (x && status != 0)
      res.status = status;
    // Tokens must not end up in caches.
    res.headers.emplace(res.headers.begin(), "Cache-Control", "no-store");
    done(std::move(res));
  };
}

/// Reads the string members `names` of a JSON object body; a problem naming
/// the field when one is missing or not a string, or any other is present.
std::optional<http_response>
string_fields(const std::string& body, std::initializer_list<const char*> names,
              std::vector<std::string>& out) {
  if (!io::codec::within_depth(body, io::codec::max_json_depth))
    return problem(400, "JSON nested too deep");
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return problem(400, "the body must be a JSON object");
  for (auto& kvp : doc.items()) {
    auto known = false;
    for (auto name : names)
      known = known || kvp.key() == name;
    if (!known)
      return problem(400, "unknown field", kvp.key());
  }
  for (auto name : names) {
    auto i = doc.find(name);
    if (i == doc.end() || !i->is_string())
      return problem(400, "must be a string", name);
    out.push_back(i->get<std::string>());
  }
  return std::nullopt;
}

/// The default rendering of an account answer.
template<class T>
actors::gateway::answer<T> respond(const responder& done, int status = 0) {
  return respond<T>(
    done, [](const T& x) { return success(x); }, status);
}

/// A token pair with its access claims signed by `key`.
actors::gateway::answer<actors::token_pair>
respond_tokens(const responder& done, std::string key) {
  return respond<actors::token_pair>(
    done, [key{std::move(key)}](const actors::token_pair& x) {
      return json_response(encode(x, key));
    });
}

} // namespace

void router::account(const http_request& req, const path_params&,
                     responder& done) {
  // The table routes exactly the four actions here.
  auto action = std::string_view{req.path}.substr(req.path.rfind('/') + 1);
  auto with_password = action == "register" || action == "login";
  std::vector<std::string> fields;
  auto err = with_password
               ? string_fields(req.body, {"username", "password"}, fields)
               : string_fields(req.body, {"refresh_token"}, fields);
  if (err)
    return done(std::move(*err));
  if (action == "register")
    gate_.signup(std::move(fields[0]), std::move(fields[1]), req.remote,
                 respond<actors::account_info>(done, 201));
  else if (action == "login")
    gate_.login(std::move(fields[0]), std::move(fields[1]), req.remote,
                respond_tokens(done, cfg_.jwt_secret));
  else if (action == "refresh")
    gate_.refresh(std::move(fields[0]), respond_tokens(done, cfg_.jwt_secret));
  else
    gate_.logout(std::move(fields[0]), respond<actors::logged_out>(done));
}

void router::me(const http_request& req, const path_params&, responder& done) {
  // The account (or the local user), plus the settings the user's list
  // keeps (`time_zone`).
  auto with_settings = [this, user = req.user, done](nlohmann::json doc) {
    gate_.profile(user, [doc = std::move(doc), done](
                          caf::expected<actors::user_profile> profile) mutable {
      if (!profile)
        return done(response_of(profile.error()));
      doc["time_zone"] = profile->time_zone.empty()
                           ? nlohmann::json{}
                           : nlohmann::json(profile->time_zone);
      auto res = json_response(
        doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      res.headers.emplace_back("Cache-Control", "no-store");
      done(std::move(res));
    });
  };
  if (!cfg_.token_auth)
    return with_settings(
      {{"id", "local"}, {"username", "local"}, {"auth", "local"}});
  gate_.me(req.user,
           [done, with_settings](caf::expected<actors::account_info> x) {
             if (!x)
               return done(response_of(x.error()));
             with_settings(nlohmann::json::parse(encode(*x)));
           });
}

} // namespace actodo::web
