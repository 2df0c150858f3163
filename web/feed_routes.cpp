// Calendar feeds: /api/v1/feeds (docs/api.md, "Calendar feeds"); the feed
// itself, /feeds/{token}.ics, is served by export_routes.cpp.
#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "io/codec/command_body.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using persistence::feed_record;

nlohmann::json to_json(const feed_record& x) {
  return {{"id", x.id},
          {"description", x.description},
          {"created_at", actors::domain::format_rfc3339_ms(x.created_ms)}};
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

bool router::feeds_on(responder& done) const {
  if (feeds_ != nullptr)
    return true;
  done(problem(503, "calendar feeds are not available on this node"));
  return false;
}

void router::create_feed(const http_request& req, const path_params&,
                         responder& done) {
  if (!feeds_on(done))
    return;
  std::string description;
  if (!req.body.empty()) {
    nlohmann::json body;
    if (auto err = io::codec::parse_client_json(req.body, body))
      return done(problem(400, err->detail, err->field));
    if (!body.is_object())
      return done(problem(400, "the body must be a JSON object"));
    for (auto& [key, value] : body.items()) {
      if (key != "description")
        return done(problem(400, "unknown field", key));
      if (!value.is_string())
        return done(problem(400, "must be a string", key));
      description = value.get<std::string>();
    }
  }
  feeds_->create(req.user, std::move(description),
                 [done](caf::expected<actors::feed_created> x) {
                   if (!x)
                     return done(response_of(x.error()));
                   auto j = to_json(x->feed);
                   j["url"] = "/feeds/" + x->token + ".ics";
                   auto res = json_response(dump(j));
                   res.status = 201;
                   // The URL is the credential and shown once.
                   res.headers.emplace_back("Cache-Control", "no-store");
                   done(std::move(res));
                 });
}

void router::list_feeds(const http_request& req, const path_params&,
                        responder& done) {
  if (!feeds_on(done))
    return;
  feeds_->list(req.user, [done](caf::expected<std::vector<feed_record>> xs) {
    if (!xs)
      return done(response_of(xs.error()));
    auto items = nlohmann::json::array();
    for (auto& x : *xs)
      items.push_back(to_json(x));
    done(json_response(dump({{"items", std::move(items)}})));
  });
}

void router::revoke_feed(const http_request& req, const path_params& p,
                         responder& done) {
  if (!feeds_on(done))
    return;
  feeds_->revoke(req.user, p[0], [done](caf::expected<bool> x) {
    if (!x)
      return done(response_of(x.error()));
    http_response res;
    res.status = 204;
    res.content_type.clear();
    done(std::move(res));
  });
}

} // namespace actodo::web
