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

http_response method_not_allowed(std::string_view allowed) {
  auto res = problem(405, "allowed methods: " + std::string{allowed});
  res.headers.emplace_back("Allow", std::string{allowed});
  return res;
}

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

void router::todos(const http_request& req, responder& done) {
  if (req.method == "GET") {
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
    return;
  }
  if (req.method != "POST")
    return done(method_not_allowed("GET, POST"));
  actors::command cmd;
  cmd.op = actors::command_op::create;
  write(req, std::move(cmd), done);
}

void router::todo(const http_request& req, const std::string& id,
                  responder& done) {
  if (req.method == "GET" || req.method == "HEAD") {
    auto etag = std::string{req.header("if-none-match")};
    gate_.get(req.user, id, [done, etag](actors::reply r) {
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
    return;
  }
  actors::command cmd;
  cmd.todo_id = id;
  if (req.method == "PATCH")
    cmd.op = actors::command_op::update;
  else if (req.method == "DELETE")
    cmd.op = actors::command_op::remove;
  else
    return done(method_not_allowed("GET, PATCH, DELETE"));
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

void router::todo_part(const http_request& req, std::string_view rest,
                       responder& done) {
  // rest: `{id}/occurrences` or `{id}/reminders/{n}/snooze|dismiss`.
  std::vector<std::string_view> parts;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view{}
                                           : rest.substr(slash + 1);
  }
  if (parts.size() == 2 && parts[1] == "occurrences" && !parts[0].empty()) {
    if (req.method != "GET")
      return done(method_not_allowed("GET"));
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
    gate_.occurrences(req.user, std::string{parts[0]}, limit,
                      [done](actors::reply r) { done(expansion_response(r)); });
    return;
  }
  if (parts.size() != 4 || parts[1] != "reminders" || parts[0].empty()
      || (parts[3] != "snooze" && parts[3] != "dismiss"))
    return done(problem(404, "no such route: " + req.path));
  if (req.method != "POST")
    return done(method_not_allowed("POST"));
  uint32_t index = 0;
  auto n = parts[2];
  auto res = std::from_chars(n.data(), n.data() + n.size(), index);
  if (res.ec != std::errc{} || res.ptr != n.data() + n.size())
    return done(problem(404, "no reminder " + std::string{n}, "reminder"));
  auto type = req.header("content-type");
  if (!req.body.empty() && type.substr(0, 16) != "application/json")
    return done(problem(415, "send application/json", "Content-Type"));
  if (!actors::within_depth(req.body, actors::max_json_depth))
    return done(problem(400, "the body nests too deeply"));
  auto body = req.body.empty()
                ? nlohmann::json::object()
                : nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object())
    return done(problem(400, "the body must be a JSON object"));
  for (auto& [key, value] : body.items())
    if (parts[3] == "dismiss" || (key != "for" && key != "until"))
      return done(problem(400, "unknown field", key));
  body["reminder"] = index;
  auto verdict = actors::check_reminder_body(body.dump(), parts[3] == "snooze");
  if (!verdict.ok) {
    http_response bad;
    bad.status = verdict.status;
    bad.content_type = "application/problem+json";
    bad.body = std::move(verdict.problem);
    return done(std::move(bad));
  }
  actors::command cmd;
  cmd.todo_id = std::string{parts[0]};
  cmd.op = parts[3] == "snooze" ? actors::command_op::snooze
                                : actors::command_op::dismiss;
  cmd.body = body.dump();
  write(req, std::move(cmd), done);
}

void router::occurrences(const http_request& req, responder& done) {
  if (req.method != "GET")
    return done(method_not_allowed("GET"));
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

void router::request_status(const http_request& req, const std::string& id,
                            responder& done) {
  if (req.method != "GET")
    return done(method_not_allowed("GET"));
  gate_.status(req.user, id, [done](actors::reply r) { done(response_of(r)); });
}

void router::events(const http_request& req, responder& done) {
  if (req.method != "GET")
    return done(method_not_allowed("GET"));
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

} // namespace actodo::web
