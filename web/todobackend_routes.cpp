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

void router::backend_todos(const http_request& req, responder& done) {
  auto base = base_url(req);
  if (req.method == "GET") {
    gate_.list(req.user, {"limit", "500", "sort", "order"},
               [done, base](actors::reply r) { done(with_url(r, base)); });
    return;
  }
  actors::command cmd;
  if (req.method == "POST")
    cmd.op = actors::command_op::create;
  else if (req.method == "DELETE")
    cmd.op = actors::command_op::clear;
  else
    return done(problem(405, "allowed methods: GET, POST, DELETE"));
  write_options opts;
  if (auto err = prepare(req, cmd, opts))
    return done(std::move(*err));
  gate_.submit(std::move(cmd), [done, base](actors::reply r) {
    auto res = with_url(r, base);
    if (r.status == 201)
      res.headers.emplace_back("Location", base + r.todo_id);
    done(std::move(res));
  });
}

void router::backend_todo(const http_request& req, const std::string& id,
                          responder& done) {
  auto base = base_url(req);
  if (req.method == "GET") {
    gate_.get(req.user, id,
              [done, base](actors::reply r) { done(with_url(r, base)); });
    return;
  }
  actors::command cmd;
  cmd.todo_id = id;
  if (req.method == "PATCH")
    cmd.op = actors::command_op::update;
  else if (req.method == "DELETE")
    cmd.op = actors::command_op::remove;
  else
    return done(problem(405, "allowed methods: GET, PATCH, DELETE"));
  write_options opts;
  if (auto err = prepare(req, cmd, opts))
    return done(std::move(*err));
  gate_.submit(std::move(cmd),
               [done, base](actors::reply r) { done(with_url(r, base)); });
}

} // namespace actodo::web
