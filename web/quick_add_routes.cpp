// Quick add (`POST /api/v1/quick-add`, docs/quick-add.md) and the user's
// settings (`PATCH /api/v1/me`): the time zone relative dates resolve in.
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/calendar/calendar.hpp"
#include "actors/domain/quick_add.hpp"
#include "actors/domain/time.hpp"
#include "io/codec/command_body.hpp"
#include "web/media_type.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Reads `{"time_zone": zone|null}` (the one member both bodies may have
/// besides `text`); nullopt: not given.
std::optional<http_response> read_zone(const json& body,
                                       std::optional<std::string>& out) {
  auto i = body.find("time_zone");
  if (i == body.end())
    return std::nullopt;
  if (i->is_null()) {
    out = std::string{};
    return std::nullopt;
  }
  if (!i->is_string()
      || !actors::calendar::valid_zone(i->get_ref<const std::string&>()))
    return problem(400, "must be an IANA time zone name or null", "time_zone");
  out = i->get<std::string>();
  return std::nullopt;
}

/// The JSON object body of a request, or the problem with it.
std::optional<http_response> object_body(const http_request& req, json& out) {
  if (!is_json_media_type(req.header("content-type")))
    return problem(415, "send application/json", "Content-Type");
  if (auto err = io::codec::parse_client_json(req.body, out))
    return problem(400, err->detail, err->field);
  if (!out.is_object())
    return problem(400, "the body must be a JSON object");
  return std::nullopt;
}

} // namespace

void router::quick_add(const http_request& req, const path_params&,
                       responder& done) {
  auto dry_run = false;
  for (auto& [key, value] : req.query) {
    if (key != "dry_run")
      return done(problem(400, "unknown parameter", key));
    if (value != "true" && value != "false")
      return done(problem(400, "must be true or false", key));
    dry_run = value == "true";
  }
  json body;
  if (auto err = object_body(req, body))
    return done(std::move(*err));
  for (auto& [key, value] : body.items())
    if (key != "text" && key != "time_zone" && key != "project_id")
      return done(problem(400, "unknown field", key));
  // The project the UI shows, unless the text names one (`+name`).
  std::string project;
  if (auto i = body.find("project_id"); i != body.end() && !i->is_null()) {
    if (!i->is_string()
        || !actors::domain::valid_id(i->get_ref<const std::string&>()))
      return done(problem(400, "must be a project id or null", "project_id"));
    project = i->get<std::string>();
  }
  auto text = body.find("text");
  if (text == body.end() || !text->is_string())
    return done(problem(400, "must be a string", "text"));
  std::optional<std::string> zone;
  if (auto err = read_zone(body, zone))
    return done(std::move(*err));
  // Headers (Prefer, Idempotency-Key) are checked before anything is read.
  write_options opts;
  if (auto err = read_write_options(req, false, opts))
    return done(std::move(*err));
  gate_.profile(req.user, [this, req, done, dry_run, zone, project,
                           text = text->get<std::string>()](
                            caf::expected<actors::user_profile>
                              profile) mutable {
    if (!profile)
      return done(response_of(profile.error()));
    std::vector<actors::domain::project_ref> refs;
    for (auto& p : profile->projects)
      refs.push_back({p.id.str(), p.name.str()});
    auto parsed = actors::domain::parse_quick_add(
      text, zone.value_or(profile->time_zone), actors::domain::now_ms(), refs);
    if (auto* err = std::get_if<actors::domain::field_error>(&parsed))
      return done(problem(400, err->detail, err->field));
    auto& result = std::get<actors::domain::quick_add_result>(parsed);
    if (!project.empty() && !result.todo.contains("project_id"))
      result.todo["project_id"] = project;
    if (dry_run) {
      auto spans = json::array();
      for (auto& s : result.spans)
        spans.push_back({{"start", s.start}, {"end", s.end}, {"kind", s.kind}});
      return done(json_response(
        dump({{"todo", result.todo}, {"spans", std::move(spans)}})));
    }
    auto cmd = command_for(actors::command_op::create, {});
    if (auto err = io::codec::decode_todo_body(result.todo, true, cmd.patch,
                                               cmd.canonical_body))
      return done(problem(400, err->detail, err->field));
    write(req, std::move(cmd), done);
  });
}

void router::update_me(const http_request& req, const path_params& p,
                       responder& done) {
  json body;
  if (auto err = object_body(req, body))
    return done(std::move(*err));
  for (auto& [key, value] : body.items())
    if (key != "time_zone")
      return done(problem(400,
                          key == "id" || key == "username"
                              || key == "created_at" || key == "auth"
                            ? "read-only field"
                            : "unknown field",
                          key));
  std::optional<std::string> zone;
  if (auto err = read_zone(body, zone))
    return done(std::move(*err));
  if (!zone)
    return done(problem(400, "must contain at least one field"));
  auto cmd = command_for(actors::command_op::settings_update, {});
  cmd.user_id = req.user;
  cmd.request_id = actors::new_id("r_");
  cmd.patch.time_zone = *zone;
  cmd.canonical_body = io::codec::canonical(body);
  // Answered when durable, with the settings as they are then.
  gate_.submit(std::move(cmd),
               [this, req, p,
                done](caf::expected<actors::command_outcome> x) mutable {
                 if (!x)
                   return done(response_of(x.error()));
                 if (actors::is_rejection(x->code))
                   return done(response_of(*x));
                 me(req, p, done);
               });
}

} // namespace actodo::web
