#include "web/router.hpp"

#include <chrono>
#include <ctime>
#include <string_view>

#include "actors/auth/jwt.hpp"
#include "web/media_type.hpp"
#include "web/static_files.hpp"

namespace actodo::web {

namespace {

constexpr std::string_view api_todos = "/api/v1/todos";
constexpr std::string_view api_requests = "/api/v1/requests/";
constexpr std::string_view backend_todos_path = "/todos";

/// True when `path` is `prefix` + "/" + one non-empty segment.
bool single_segment(std::string_view path, std::string_view prefix,
                    std::string& id) {
  if (path.size() <= prefix.size() + 1
      || path.substr(0, prefix.size()) != prefix || path[prefix.size()] != '/')
    return false;
  auto rest = path.substr(prefix.size() + 1);
  if (rest.find('/') != std::string_view::npos)
    return false;
  id = std::string{rest};
  return true;
}

http_response text(int status, std::string body) {
  http_response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

} // namespace

http_response response_of(const actors::reply& r) {
  http_response res;
  res.status = r.status;
  res.body = r.body;
  if (r.status >= 400)
    res.content_type = "application/problem+json";
  else if (r.body.empty())
    res.content_type.clear();
  return res;
}

router::router(actors::gateway& gate, const settings& cfg)
  : gate_(gate), cfg_(cfg), origins_(!cfg.token_auth, cfg.cors_origins) {
  if (cfg.rate_limit > 0)
    user_limit_ = std::make_unique<rate_limiter>(cfg.rate_limit);
  if (cfg.ip_rate_limit > 0)
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
  actors::auth::claims c;
  auto now = static_cast<int64_t>(std::time(nullptr));
  switch (actors::auth::verify_jwt(token, cfg_.jwt_secret, now, c)) {
    case actors::auth::token_error::none: break;
    case actors::auth::token_error::expired:
      return unauthorized("the access token expired", "invalid_token");
    default:
      return unauthorized("the access token is invalid", "invalid_token");
  }
  user = c.sub;
  expires_ms = c.exp * 1000;
  return std::nullopt;
}

namespace {

/// The route pattern of a path: a label with a bounded set of values (any
/// path the route table does not know is `other`).
std::string route_of(const std::string& path) {
  std::string id;
  if (path == api_todos || path == "/api/v1/events" || path == "/api/v1/me"
      || path == "/api/v1/ws" || path == backend_todos_path
      || path == "/healthz" || path == "/readyz" || path == "/metrics"
      || path == "/" || path == "/api/v1/occurrences"
      || path == "/api/v1/auth/register" || path == "/api/v1/auth/login"
      || path == "/api/v1/auth/refresh" || path == "/api/v1/auth/logout")
    return path;
  if (single_segment(path, api_todos, id))
    return "/api/v1/todos/{id}";
  if (path.compare(0, api_todos.size() + 1, "/api/v1/todos/") == 0) {
    auto ends = [&path](std::string_view x) {
      return path.size() > x.size()
             && path.compare(path.size() - x.size(), x.size(), x) == 0;
    };
    if (ends("/occurrences"))
      return "/api/v1/todos/{id}/occurrences";
    if (ends("/snooze"))
      return "/api/v1/todos/{id}/reminders/{n}/snooze";
    if (ends("/dismiss"))
      return "/api/v1/todos/{id}/reminders/{n}/dismiss";
  }
  if (single_segment(path, backend_todos_path, id))
    return "/todos/{id}";
  if (single_segment(path, "/api/v1/requests", id))
    return "/api/v1/requests/{id}";
  return "other";
}

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
  // Every response is counted by route pattern, method and status; allowed
  // cross-origin requests get CORS headers.
  auto stats = cfg_.stats;
  auto start = std::chrono::steady_clock::now();
  responder reply =
    [this, done = std::move(done), stats, start, method = method_of(req.method),
     route = route_of(req.path), origin = std::string{req.header("origin")},
     host = std::string{req.header("host")}](http_response res) {
      origins_.add_cors(origin, host, res);
      std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                           - start;
      stats->http_request(route, method, res.status, took.count());
      done(std::move(res));
    };
  if (auto err = admit(req))
    return reply(std::move(*err));
  auto& path = req.path;
  std::string id;
  if (req.method == "OPTIONS")
    return reply(origins_.preflight(req));
  if (path == "/metrics") {
    http_response res;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = cfg_.stats->render();
    return reply(std::move(res));
  }
  if (path == "/healthz" || path == "/readyz") {
    if (req.method != "GET" && req.method != "HEAD")
      return reply(problem(405, "use GET"));
    return reply(text(200, R"({"status":"ok"})"));
  }
  // Every route that reads a body reads JSON: anything else (a cross-site
  // form post, `application/jsonp`) is refused before it is looked at.
  if (has_json_body(req)
      && (!req.body.empty() || req.has_header("content-type"))
      && !is_json_media_type(req.header("content-type")))
    return reply(problem(415, "send application/json", "Content-Type"));
  if ((req.method == "GET" || req.method == "HEAD")
      && path.compare(0, 5, "/api/") != 0 && path != backend_todos_path
      && path.compare(0, 7, "/todos/") != 0)
    if (auto res = static_file(req, cfg_.ui_dir))
      return reply(std::move(*res));
  if (auto err = throttle(ip_limit_.get(), req.remote))
    return reply(std::move(*err));
  if (path.compare(0, 13, "/api/v1/auth/") == 0)
    return auth(req, std::string_view{path}.substr(13), reply);
  // Everything below acts for a user.
  int64_t expires = 0;
  if (auto err = authenticate(req, {}, req.user, expires))
    return reply(std::move(*err));
  if (auto err = throttle(user_limit_.get(), req.user))
    return reply(std::move(*err));
  if (path == "/api/v1/me")
    return me(req, reply);
  if (path == api_todos)
    return todos(req, reply);
  if (single_segment(path, api_todos, id))
    return todo(req, id, reply);
  if (path.compare(0, api_todos.size() + 1, "/api/v1/todos/") == 0)
    return todo_part(req, std::string_view{path}.substr(api_todos.size() + 1),
                     reply);
  if (path == "/api/v1/occurrences")
    return occurrences(req, reply);
  if (path.size() > api_requests.size()
      && path.compare(0, api_requests.size(), api_requests) == 0
      && path.find('/', api_requests.size()) == std::string::npos)
    return request_status(req, path.substr(api_requests.size()), reply);
  if (path == "/api/v1/events")
    return events(req, reply);
  if (path == "/api/v1/ws")
    return reply(problem(426, "this endpoint speaks WebSocket only"));
  if (path == backend_todos_path)
    return backend_todos(req, reply);
  if (single_segment(path, backend_todos_path, id))
    return backend_todo(req, id, reply);
  reply(problem(404, "no such route: " + path));
}

} // namespace actodo::web
