// The REST API under /api/v1.
#include <charconv>

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/domain/preview.hpp"
#include "actors/domain/query.hpp"
#include "actors/domain/time.hpp"
#include "actors/record_codec.hpp"
#include "io/codec/command_body.hpp"
#include "io/codec/cursor.hpp"
#include "web/outcome_codec.hpp"
#include "web/preconditions.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

/// 202: the command is durable once its result frame arrives.
http_response accepted(const actors::command_outcome& x) {
  http_response res;
  res.status = 202;
  res.headers.emplace_back("Location", "/api/v1/requests/" + x.request_id);
  res.body = R"({"request_id":")" + x.request_id + R"(","state":")"
             + actors::state_of(x) + R"("})";
  return res;
}

/// Occurrences or the problem with them.
actors::gateway::answer<actors::occurrence_list>
occurrences_answer(responder& done) {
  return [done](caf::expected<actors::occurrence_list> xs) {
    done(xs ? json_response(encode(*xs)) : response_of(xs.error()));
  };
}

} // namespace

std::optional<http_response> router::prepare(const http_request& req,
                                             actors::command& cmd,
                                             write_options& opts) const {
  using op = actors::command_op;
  // A route that made the body itself (archive) leaves nothing to read.
  auto todo_body = (cmd.op == op::create || cmd.op == op::update)
                   && cmd.canonical_body.empty();
  auto project_body = cmd.op == op::project_create
                      || cmd.op == op::project_update;
  if (auto err = read_write_options(req, todo_body || project_body, opts))
    return err;
  cmd.user_id = req.user;
  cmd.request_id = actors::new_id("r_");
  cmd.if_match = opts.if_match;
  cmd.idempotency_key = opts.idempotency_key;
  if (!todo_body && !project_body)
    return std::nullopt;
  // The one parse of the body: into the typed patch the command carries.
  nlohmann::json body;
  auto err = io::codec::parse_client_json(req.body, body);
  if (!err && todo_body)
    err = io::codec::decode_todo_body(body, cmd.op == op::create, cmd.patch,
                                      cmd.canonical_body);
  if (!err && project_body) {
    err = actors::domain::parse_project_patch(
      body, cmd.op == op::project_create, cmd.project);
    cmd.canonical_body = io::codec::canonical(body);
  }
  if (err)
    return problem(400, err->detail, err->field);
  return std::nullopt;
}

void router::list_todos(const http_request& req, const path_params&,
                        responder& done) {
  actors::domain::query q;
  if (auto err = io::codec::decode_query(req.query, q))
    return done(problem(400, err->detail, err->field));
  auto sort = q.sort;
  gate_.list(req.user, std::move(q),
             [done, sort](caf::expected<actors::todo_page> page) {
               done(page ? json_response(encode(*page, sort))
                         : response_of(page.error()));
             });
}

void router::get_todo(const http_request& req, const path_params& p,
                      responder& done) {
  auto etag = std::string{req.header("if-none-match")};
  gate_.get(req.user, p[0],
            [done, etag](caf::expected<actors::domain::todo> t) {
              if (!t)
                return done(response_of(t.error()));
              auto res = json_response(encode(*t));
              res.headers.emplace_back("ETag", entity_tag(t->version));
              if (etag_matches(etag, t->version)) {
                res.status = 304;
                res.body.clear();
                res.content_type.clear();
              }
              done(std::move(res));
            });
}

actors::command router::command_for(actors::command_op op,
                                    const path_params& p) {
  actors::command cmd;
  cmd.op = op;
  if (!p.empty())
    cmd.todo_id = p[0];
  return cmd;
}

void router::write(const http_request& req, actors::command cmd,
                   responder& done) {
  write_options opts;
  if (auto err = prepare(req, cmd, opts))
    return done(std::move(*err));
  auto wait = opts.wait;
  gate_.submit(
    std::move(cmd), [done, wait](caf::expected<actors::command_outcome> x) {
      if (!x)
        return done(response_of(x.error()));
      if (x->request_id.empty())
        return done(response_of(*x)); // Refused before it was applied.
      if (!wait || x->code == actors::outcome_code::accepted)
        return done(accepted(*x));
      auto res = response_of(*x);
      res.headers.emplace_back("Preference-Applied", "wait");
      if (x->code == actors::outcome_code::created)
        res.headers.emplace_back(
          "Location",
          (x->project ? "/api/v1/projects/" : "/api/v1/todos/") + x->todo_id);
      if (x->version > 0)
        res.headers.emplace_back("ETag", entity_tag(x->version));
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
  gate_.occurrences(req.user, p[0], limit, occurrences_answer(done));
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
  if (!io::codec::within_depth(req.body, io::codec::max_json_depth))
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
  actors::command cmd;
  if (auto err = io::codec::decode_reminder_body(
        body, snooze, actors::domain::now_ms(), cmd.action, cmd.canonical_body))
    return done(problem(400, err->detail, err->field));
  cmd.todo_id = p[0];
  cmd.op = snooze ? actors::command_op::snooze : actors::command_op::dismiss;
  write(req, std::move(cmd), done);
}

void router::preview(const http_request& req, const path_params&,
                     responder& done) {
  actors::domain::preview_request rule;
  if (auto err = actors::domain::decode_preview(req.query,
                                                actors::domain::now_ms(), rule))
    return done(problem(400, err->detail, err->field));
  if (auto res = throttle(expansion_limit_.get(), req.user))
    return done(std::move(*res));
  gate_.preview(req.user, std::move(rule), occurrences_answer(done));
}

void router::request_status(const http_request& req, const path_params& p,
                            responder& done) {
  gate_.status(
    req.user, p[0], [done](caf::expected<persistence::request_record> rec) {
      done(rec ? json_response(actors::records::request_status_body(*rec))
               : response_of(rec.error()));
    });
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
  gate_.events(
    req.user, after, limit,
    [done](caf::expected<std::vector<persistence::event_record>> xs) {
      done(xs ? json_response(encode(*xs)) : response_of(xs.error()));
    });
}

void router::websocket_only(const http_request&, const path_params&,
                            responder& done) {
  auto res = problem(426, "this endpoint speaks WebSocket only");
  // RFC 9110, 15.5.22: a 426 names the protocol to switch to.
  res.headers.emplace_back("Upgrade", "websocket");
  res.headers.emplace_back("Connection", "Upgrade");
  done(std::move(res));
}

} // namespace actodo::web
