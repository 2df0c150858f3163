// The REST API under /api/v1.
#include <charconv>

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/command_frame.hpp"
#include "actors/domain/query.hpp"
#include "web/preconditions.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

/// A preview or listing: 429 (an earlier expansion of the user still
/// runs) says when to retry.
http_response expansion_response(const actors::reply& r) {
  auto res = response_of(r);
  if (r.status == 429)
    res.headers.emplace_back("Retry-After", "1");
  return res;
}

} // namespace

std::optional<http_response> router::prepare(const http_request& req,
                                             actors::command& cmd,
                                             write_options& opts) const {
  if (auto err = read_write_options(req, cmd.op, opts))
    return err;
  cmd.user_id = req.user;
  cmd.request_id = actors::new_id("r_");
  cmd.if_match = opts.if_match;
  cmd.idempotency_key = opts.idempotency_key;
  auto has_body = cmd.op == actors::command_op::create
                  || cmd.op == actors::command_op::update;
  if (cmd.op != actors::command_op::snooze
      && cmd.op != actors::command_op::dismiss)
    cmd.body = has_body ? req.body : std::string{};
  return std::nullopt;
}

void router::list_todos(const http_request& req, const path_params&,
                        responder& done) {
  domain::query q;
  if (auto err = domain::parse_query(req.query, q))
    return done(problem(400, err->detail, err->field));
  std::vector<std::string> params;
  for (auto& kvp : req.query) {
    params.push_back(kvp.first);
    params.push_back(kvp.second);
  }
  gate_.list(req.user, std::move(params),
             [done](actors::reply r) { done(response_of(r)); });
}

void router::create_todo(const http_request& req, const path_params&,
                         responder& done) {
  actors::command cmd;
  cmd.op = actors::command_op::create;
  write(req, std::move(cmd), done);
}

void router::get_todo(const http_request& req, const path_params& p,
                      responder& done) {
  auto etag = std::string{req.header("if-none-match")};
  gate_.get(req.user, p[0], [done, etag](actors::reply r) {
    auto res = response_of(r);
    if (r.status == 200) {
      auto tag = entity_tag(r.version);
      res.headers.emplace_back("ETag", tag);
      if (etag_matches(etag, r.version)) {
        res.status = 304;
        res.body.clear();
        res.content_type.clear();
      }
    }
    done(std::move(res));
  });
}

void router::update_todo(const http_request& req, const path_params& p,
                         responder& done) {
  actors::command cmd;
  cmd.todo_id = p[0];
  cmd.op = actors::command_op::update;
  write(req, std::move(cmd), done);
}

void router::delete_todo(const http_request& req, const path_params& p,
                         responder& done) {
  actors::command cmd;
  cmd.todo_id = p[0];
  cmd.op = actors::command_op::remove;
  write(req, std::move(cmd), done);
}

void router::write(const http_request& req, actors::command cmd,
                   responder& done) {
  write_options opts;
  if (auto err = prepare(req, cmd, opts))
    return done(std::move(*err));
  auto wait = opts.wait;
  gate_.submit(std::move(cmd), [done, wait](actors::reply r) {
    if (r.request_id.empty())
      return done(response_of(r)); // Not a command outcome: an error.
    if (wait) {
      auto res = response_of(r);
      res.headers.emplace_back("Preference-Applied", "wait");
      if (r.status == 201)
        res.headers.emplace_back("Location", "/api/v1/todos/" + r.todo_id);
      if (r.version > 0)
        res.headers.emplace_back("ETag", entity_tag(r.version));
      return done(std::move(res));
    }
    http_response res;
    res.status = 202;
    res.headers.emplace_back("Location", "/api/v1/requests/" + r.request_id);
    res.body = R"({"request_id":")" + r.request_id + R"(","state":")" + r.state
               + R"("})";
    done(std::move(res));
  });
}

void router::todo_occurrences(const http_request& req, const path_params& p,
                              responder& done) {
  int32_t limit = 10;
  for (auto& [key, value] : req.query) {
    if (key != "limit")
      return done(problem(400, "unknown parameter", key));
    auto res = std::from_chars(value.data(), value.data() + value.size(),
                               limit);
    if (res.ec != std::errc{} || res.ptr != value.data() + value.size()
        || limit < 1 || limit > 100)
      return done(problem(400, "must be an integer from 1 to 100", key));
  }
  if (auto res = throttle(expansion_limit_.get(), req.user))
    return done(std::move(*res));
  gate_.occurrences(req.user, p[0], limit,
                    [done](actors::reply r) { done(expansion_response(r)); });
}

void router::snooze(const http_request& req, const path_params& p,
                    responder& done) {
  reminder_action(req, p, true, done);
}

void router::dismiss(const http_request& req, const path_params& p,
                     responder& done) {
  reminder_action(req, p, false, done);
}

void router::reminder_action(const http_request& req, const path_params& p,
                             bool snooze, responder& done) {
  uint32_t index = 0;
  auto& n = p[1];
  auto res = std::from_chars(n.data(), n.data() + n.size(), index);
  if (res.ec != std::errc{} || res.ptr != n.data() + n.size())
    return done(problem(404, "no reminder " + n, "reminder"));
  if (!actors::within_depth(req.body, actors::max_json_depth))
    return done(problem(400, "the body nests too deeply"));
  auto body = req.body.empty()
                ? nlohmann::json::object()
                : nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object())
    return done(problem(400, "the body must be a JSON object"));
  for (auto& [key, value] : body.items())
    if (!snooze || (key != "for" && key != "until"))
      return done(problem(400, "unknown field", key));
  body["reminder"] = index;
  auto verdict = actors::check_reminder_body(body.dump(), snooze);
  if (!verdict.ok) {
    http_response bad;
    bad.status = verdict.status;
    bad.content_type = "application/problem+json";
    bad.body = std::move(verdict.problem);
    return done(std::move(bad));
  }
  actors::command cmd;
  cmd.todo_id = p[0];
  cmd.op = snooze ? actors::command_op::snooze : actors::command_op::dismiss;
  cmd.body = body.dump();
  write(req, std::move(cmd), done);
}

void router::preview(const http_request& req, const path_params&,
                     responder& done) {
  if (auto res = throttle(expansion_limit_.get(), req.user))
    return done(std::move(*res));
  std::vector<std::string> params;
  for (auto& kvp : req.query) {
    params.push_back(kvp.first);
    params.push_back(kvp.second);
  }
  gate_.preview(req.user, std::move(params),
                [done](actors::reply r) { done(expansion_response(r)); });
}

void router::request_status(const http_request& req, const path_params& p,
                            responder& done) {
  gate_.status(req.user, p[0],
               [done](actors::reply r) { done(response_of(r)); });
}

void router::events(const http_request& req, const path_params&,
                    responder& done) {
  int64_t after = 0;
  int64_t limit = 100;
  for (auto& [key, value] : req.query) {
    int64_t* target = key == "after"   ? &after
                      : key == "limit" ? &limit
                                       : nullptr;
    if (target == nullptr)
      return done(problem(400, "unknown parameter", key));
    auto res = std::from_chars(value.data(), value.data() + value.size(),
                               *target);
    if (res.ec != std::errc{} || res.ptr != value.data() + value.size())
      return done(problem(400, "must be an integer", key));
  }
  if (after < 0)
    return done(problem(400, "must be >= 0", "after"));
  if (limit < 1 || limit > 1000)
    return done(problem(400, "must be between 1 and 1000", "limit"));
  gate_.events(req.user, after, limit,
               [done](actors::reply r) { done(response_of(r)); });
}

void router::websocket_only(const http_request&, const path_params&,
                            responder& done) {
  done(problem(426, "this endpoint speaks WebSocket only"));
}

} // namespace actodo::web
