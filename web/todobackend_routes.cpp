// The public Todo-Backend API (todobackend.com) under /todos: synchronous,
// every todo with an absolute `url`.
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "web/preconditions.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using nlohmann::json;

std::string base_url(const http_request& req) {
  auto host = req.header("host");
  return "http://" + std::string{host.empty() ? "127.0.0.1" : host} + "/todos/";
}

http_response with_url(const actors::reply& r, const std::string& base) {
  http_response res;
  res.status = r.status;
  if (r.status >= 400) {
    res.content_type = "application/problem+json";
    res.body = r.body;
    return res;
  }
  if (r.body.empty()) {
    res.content_type.clear();
    return res;
  }
  auto doc = json::parse(r.body);
  auto add_url = [&](json& todo) { todo["url"] = base + todo.value("id", ""); };
  if (doc.contains("items")) {
    auto items = std::move(doc["items"]);
    for (auto& t : items)
      add_url(t);
    doc = std::move(items);
  } else {
    add_url(doc);
  }
  res.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

} // namespace

void router::backend_list(const http_request& req, const path_params&,
                          responder& done) {
  gate_.list(req.user, {"limit", "500", "sort", "order"},
             [done, base = base_url(req)](actors::reply r) {
               done(with_url(r, base));
             });
}

void router::backend_create(const http_request& req, const path_params&,
                            responder& done) {
  actors::command cmd;
  cmd.op = actors::command_op::create;
  backend_write(req, std::move(cmd), done);
}

void router::backend_clear(const http_request& req, const path_params&,
                           responder& done) {
  actors::command cmd;
  cmd.op = actors::command_op::clear;
  backend_write(req, std::move(cmd), done);
}

void router::backend_get(const http_request& req, const path_params& p,
                         responder& done) {
  gate_.get(req.user, p[0], [done, base = base_url(req)](actors::reply r) {
    done(with_url(r, base));
  });
}

void router::backend_update(const http_request& req, const path_params& p,
                            responder& done) {
  actors::command cmd;
  cmd.todo_id = p[0];
  cmd.op = actors::command_op::update;
  backend_write(req, std::move(cmd), done);
}

void router::backend_delete(const http_request& req, const path_params& p,
                            responder& done) {
  actors::command cmd;
  cmd.todo_id = p[0];
  cmd.op = actors::command_op::remove;
  backend_write(req, std::move(cmd), done);
}

void router::backend_write(const http_request& req, actors::command cmd,
                           responder& done) {
  write_options opts;
  if (auto err = prepare(req, cmd, opts))
    return done(std::move(*err));
  auto created = cmd.op == actors::command_op::create;
  gate_.submit(std::move(cmd),
               [done, created, base = base_url(req)](actors::reply r) {
                 auto res = with_url(r, base);
                 if (created && r.status == 201)
                   res.headers.emplace_back("Location", base + r.todo_id);
                 done(std::move(res));
               });
}

} // namespace actodo::web
