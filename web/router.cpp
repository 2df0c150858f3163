#include "web/router.hpp"

#include <string_view>

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

void add_cors(http_response& res) {
  res.headers.emplace_back("Access-Control-Allow-Origin", "*");
  res.headers.emplace_back("Access-Control-Expose-Headers",
                           "Location, ETag, Preference-Applied");
}

router::router(actors::gateway& gate) : gate_(gate) {}

std::string router::user_of(const http_request&) const {
  return "local";
}

void router::handle(const http_request& req, responder done) {
  // Every response carries CORS headers (Todo-Backend needs them).
  responder reply = [done = std::move(done)](http_response res) {
    add_cors(res);
    done(std::move(res));
  };
  auto& path = req.path;
  std::string id;
  if (req.method == "OPTIONS") {
    http_response res;
    res.status = 204;
    res.content_type.clear();
    res.headers.emplace_back("Access-Control-Allow-Methods",
                             "GET, POST, PATCH, DELETE, OPTIONS");
    res.headers.emplace_back("Access-Control-Allow-Headers",
                             "Content-Type, Authorization, If-Match, "
                             "If-None-Match, Idempotency-Key, Prefer");
    res.headers.emplace_back("Access-Control-Max-Age", "86400");
    return reply(std::move(res));
  }
  if (path == "/healthz" || path == "/readyz") {
    if (req.method != "GET" && req.method != "HEAD")
      return reply(problem(405, "use GET"));
    return reply(text(200, R"({"status":"ok"})"));
  }
  if (path == "/" && req.method == "GET")
    return reply(text(200, R"({"name":"actodo","api":"/api/v1/todos",)"
                           R"("todo_backend":"/todos"})"));
  if (path == api_todos)
    return todos(req, reply);
  if (single_segment(path, api_todos, id))
    return todo(req, id, reply);
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
