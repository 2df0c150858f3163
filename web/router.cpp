#include "web/router.hpp"

#include <chrono>
#include <ctime>
#include <string_view>

#include "web/jwt.hpp"
#include "web/media_type.hpp"
#include "web/openapi.hpp"
#include "web/outcome_codec.hpp"
#include "web/static_files.hpp"

namespace actodo::web {

namespace {

http_response text(int status, std::string body) {
  http_response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

} // namespace

router::router(actors::gateway& gate, const settings& cfg,
               service_gateways more)
  : gate_(gate),
    cfg_(cfg),
    hooks_(more.hooks),
    jobs_(more.jobs),
    feeds_(more.feeds),
    origins_(!cfg.token_auth, cfg.cors_origins) {
  // Per-user and per-address limits only mean something with accounts:
  // in local mode every request is the one local user.
  if (cfg.token_auth && cfg.rate_limit > 0)
    user_limit_ = std::make_unique<rate_limiter>(cfg.rate_limit);
  if (cfg.token_auth && cfg.ip_rate_limit > 0)
    ip_limit_ = std::make_unique<rate_limiter>(cfg.ip_rate_limit);
}

std::optional<http_response> router::throttle(rate_limiter* limiter,
                                              const std::string& key) {
  if (limiter == nullptr)
    return std::nullopt;
  if (auto wait = limiter->take(key); wait > 0) {
    auto res = problem(429, "too many requests; retry after "
                              + std::to_string(wait) + " s");
    res.headers.emplace_back("Retry-After", std::to_string(wait));
    return res;
  }
  return std::nullopt;
}

std::optional<http_response>
router::authenticate(const http_request& req, std::string_view token,
                     std::string& user, int64_t& expires_ms) const {
  expires_ms = 0;
  if (!cfg_.token_auth) {
    user = "local";
    return std::nullopt;
  }
  auto unauthorized = [](std::string_view detail, std::string_view error) {
    auto res = problem(401, detail, "Authorization");
    res.headers.emplace_back("WWW-Authenticate",
                             "Bearer error=\"" + std::string{error} + "\"");
    return res;
  };
  if (token.empty()) {
    auto header = req.header("authorization");
    if (header.substr(0, 7) != "Bearer " && header.substr(0, 7) != "bearer ")
      return unauthorized("send Authorization: Bearer <access token>",
                          "invalid_request");
    token = header.substr(7);
  }
  actors::access_claims c;
  auto now = static_cast<int64_t>(std::time(nullptr));
  switch (verify_jwt(token, cfg_.jwt_secret, now, c)) {
    case token_error::none: break;
    case token_error::expired:
      return unauthorized("the access token expired", "invalid_token");
    default:
      return unauthorized("the access token is invalid", "invalid_token");
  }
  user = c.sub;
  expires_ms = c.exp * 1000;
  return std::nullopt;
}

namespace {

/// The method label: one of the methods the server knows, else `OTHER`.
std::string method_of(const std::string& method) {
  for (const char* known :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == known)
      return method;
  return "OTHER";
}

/// Methods whose body the routes read as JSON.
bool has_json_body(const http_request& req) {
  return req.method == "POST" || req.method == "PUT" || req.method == "PATCH"
         || req.method == "DELETE";
}

} // namespace

std::optional<http_response> router::admit(const http_request& req) const {
  return origins_.check(req);
}

void router::handle(http_request req, responder done) {
  auto match = find_route(req.method, req.path);
  // Every response is counted by route pattern (from the table: a bounded
  // set of labels), method and status; allowed cross-origin requests get
  // CORS headers.
  auto stats = cfg_.http;
  auto start = std::chrono::steady_clock::now();
  auto route = match.pattern.empty() ? std::string{"other"}
                                     : std::string{match.pattern};
  responder reply =
    [this, done = std::move(done), stats, start, method = method_of(req.method),
     route = std::move(route), origin = std::string{req.header("origin")},
     host = std::string{req.header("host")}](http_response res) {
      origins_.add_cors(origin, host, res);
      std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                           - start;
      stats->request(route, method, res.status, took.count());
      done(std::move(res));
    };
  if (auto err = admit(req))
    return reply(std::move(*err));
  if (req.method == "OPTIONS")
    return reply(origins_.preflight(req));
  // Every route that reads a body reads JSON: anything else (a cross-site
  // form post, `application/jsonp`) is refused before it is looked at.
  // Upload routes check their own types (none a form can send).
  if (has_json_body(req) && (match.hit == nullptr || !match.hit->upload)
      && (!req.body.empty() || req.has_header("content-type"))
      && !is_json_media_type(req.header("content-type")))
    return reply(problem(415, "send application/json", "Content-Type"));
  if (match.hit != nullptr)
    return dispatch(req, match, reply);
  if (!match.pattern.empty()) {
    auto res = problem(405, "allowed methods: " + match.allow);
    res.headers.emplace_back("Allow", match.allow);
    return reply(std::move(res));
  }
  if (req.method == "GET" || req.method == "HEAD")
    if (auto res = static_file(req, cfg_.ui_dir))
      return reply(std::move(*res));
  reply(problem(404, "no such route: " + req.path));
}

void router::dispatch(http_request& req, const route_match& match,
                      responder& reply) {
  auto& row = *match.hit;
  auto probe = row.handler == &router::health || row.handler == &router::ready
               || row.handler == &router::metrics;
  if (!probe)
    if (auto err = throttle(ip_limit_.get(), req.remote))
      return reply(std::move(*err));
  if (row.who == access::user) {
    int64_t expires = 0;
    if (auto err = authenticate(req, {}, req.user, expires))
      return reply(std::move(*err));
    if (auto err = throttle(user_limit_.get(), req.user))
      return reply(std::move(*err));
  }
  (this->*row.handler)(req, match.params, reply);
}

void router::health(const http_request&, const path_params&, responder& done) {
  done(text(200, R"({"status":"ok"})"));
}

void router::ready(const http_request&, const path_params&, responder& done) {
  gate_.ready([done](caf::expected<bool> up) mutable {
    if (up)
      done(text(200, R"({"status":"ok"})"));
    else
      done(response_of(up.error()));
  });
}

void router::openapi(const http_request&, const path_params&, responder& done) {
  http_response res;
  res.body = std::string{openapi_document()};
  done(std::move(res));
}

void router::metrics(const http_request&, const path_params&, responder& done) {
  http_response res;
  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  res.body = cfg_.metrics->render();
  done(std::move(res));
}

} // namespace actodo::web
