// Accounts: /api/v1/auth/{register,login,refresh,logout} and /api/v1/me.
#include <nlohmann/json.hpp>

#include "actors/domain/command_body.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

http_response from_account_reply(caf::expected<actors::reply> x) {
  if (!x) {
    auto res = response_of(x.error());
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  }
  auto& r = *x;
  auto res = response_of(r);
  // Tokens must not end up in caches.
  res.headers.emplace_back("Cache-Control", "no-store");
  // Throttled (429) or busy (503): the problem says when to come back.
  if (r.status == 429 || r.status == 503) {
    auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (doc.is_object() && doc["retry_after"].is_number_integer())
      res.headers.emplace_back(
        "Retry-After", std::to_string(doc["retry_after"].get<int64_t>()));
  }
  return res;
}

/// Reads the string members `names` of a JSON object body; a problem naming
/// the field when one is missing or not a string, or any other is present.
std::optional<http_response>
string_fields(const std::string& body, std::initializer_list<const char*> names,
              std::vector<std::string>& out) {
  if (!domain::within_depth(body, domain::max_json_depth))
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

} // namespace

void router::account(const http_request& req, const path_params&,
                     responder& done) {
  // The table routes exactly the four actions here.
  auto action = std::string_view{req.path}.substr(req.path.rfind('/') + 1);
  using op = actors::account_op;
  op what;
  std::vector<std::string> fields;
  std::optional<http_response> err;
  if (action == "register" || action == "login") {
    what = action == "register" ? op::signup : op::login;
    err = string_fields(req.body, {"username", "password"}, fields);
  } else {
    what = action == "refresh" ? op::refresh : op::logout;
    err = string_fields(req.body, {"refresh_token"}, fields);
    fields.emplace_back();
  }
  if (err)
    return done(std::move(*err));
  gate_.account(what, std::move(fields[0]), std::move(fields[1]), req.remote,
                [done](caf::expected<actors::reply> r) {
                  done(from_account_reply(std::move(r)));
                });
}

void router::me(const http_request& req, const path_params&, responder& done) {
  if (!cfg_.token_auth) {
    http_response res;
    res.body = R"({"id":"local","username":"local","auth":"local"})";
    return done(std::move(res));
  }
  gate_.account(actors::account_op::me, req.user, {}, req.remote,
                [done](caf::expected<actors::reply> r) {
                  done(from_account_reply(std::move(r)));
                });
}

} // namespace actodo::web
