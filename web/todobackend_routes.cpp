// The public Todo-Backend API (todobackend.com) under /todos: synchronous,
// every todo with an absolute `url`.
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "web/outcome_codec.hpp"
#include "web/preconditions.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using nlohmann::json;

std::string base_url(const http_request& req) {
  auto host = req.header("host");
  return "http://" + std::string{host.empty() ? "127.0.0.1" : host} + "/todos/";
}

/// A todo as Todo-Backend clients expect it: with its absolute `url`.
json with_url(const actors::domain::todo& t, const std::string& base) {
  auto doc = actors::domain::to_json(t);
  doc["url"] = base + t.id;
  return doc;
}

std::string dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace

void router::backend_list(const http_request& req, const path_params&,
                          responder& done) {
  actors::domain::query q;
  q.limit = actors::domain::max_query_limit;
  q.sort = {actors::domain::sort_key{actors::domain::sort_key::order, false}};
  gate_.list(req.user, std::move(q),
             [done, base = base_url(req)](caf::expected<actors::todo_page> pg) {
               if (!pg)
                 return done(response_of(pg.error()));
               auto items = json::array();
               for (auto& t : pg->items)
                 items.push_back(with_url(t, base));
               done(json_response(dump(items)));
             });
}

void router::backend_get(const http_request& req, const path_params& p,
                         responder& done) {
  gate_.get(req.user, p[0],
            [done,
             base = base_url(req)](caf::expected<actors::domain::todo> t) {
              done(t ? json_response(dump(with_url(*t, base)))
                     : response_of(t.error()));
            });
}

void router::backend_submit(const http_request& req, actors::command cmd,
                            responder& done) {
  write_options opts;
  if (auto err = prepare(req, cmd, opts))
    return done(std::move(*err));
  auto created = cmd.op == actors::command_op::create;
  gate_.submit(std::move(cmd), [done, created, base = base_url(req)](
                                 caf::expected<actors::command_outcome> x) {
    if (!x)
      return done(response_of(x.error()));
    if (!x->todo || actors::is_rejection(x->code))
      return done(response_of(*x));
    auto res = response_of(*x);
    res.body = dump(with_url(*x->todo, base));
    if (created && x->code == actors::outcome_code::created)
      res.headers.emplace_back("Location", base + x->todo_id);
    done(std::move(res));
  });
}

} // namespace actodo::web
