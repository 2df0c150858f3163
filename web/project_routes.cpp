// Projects, /api/v1/projects, and archiving todos (docs/api.md, "Projects,
// subtasks and the archive"). Writes are commands like every todo write.
#include <nlohmann/json.hpp>

#include "actors/domain/project.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using actors::domain::project;

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

void router::list_projects(const http_request& req, const path_params&,
                           responder& done) {
  std::optional<bool> archived = false;
  for (auto& [key, value] : req.query) {
    if (key != "archived")
      return done(problem(400, "unknown parameter", key));
    if (value != "true" && value != "false")
      return done(problem(400, "must be true or false", key));
    archived = value == "true";
  }
  gate_.profile(req.user,
                [done, archived](caf::expected<actors::user_profile> xs) {
                  if (!xs)
                    return done(response_of(xs.error()));
                  auto items = nlohmann::json::array();
                  for (auto& x : xs->projects)
                    if (x.archived == *archived)
                      items.push_back(to_json(x));
                  done(json_response(dump({{"items", std::move(items)}})));
                });
}

void router::get_project(const http_request& req, const path_params& p,
                         responder& done) {
  gate_.profile(req.user,
                [done, id = p[0]](caf::expected<actors::user_profile> xs) {
                  if (!xs)
                    return done(response_of(xs.error()));
                  for (auto& x : xs->projects)
                    if (x.id == id) {
                      auto res = json_response(dump(to_json(x)));
                      res.headers.emplace_back("ETag", entity_tag(x.version));
                      return done(std::move(res));
                    }
                  done(problem(404, "no project with id " + id, "id"));
                });
}

void router::delete_project(const http_request& req, const path_params& p,
                            responder& done) {
  auto cmd = command_for(actors::command_op::project_delete, p);
  for (auto& [key, value] : req.query) {
    if (key != "move_to")
      return done(problem(400, "unknown parameter", key));
    if (!actors::domain::valid_id(value))
      return done(problem(400, "must be a project id", key));
    cmd.move_to = value;
  }
  // The fingerprint of an `Idempotency-Key` covers where the todos go.
  cmd.canonical_body = cmd.move_to;
  write(req, std::move(cmd), done);
}

void router::archive(const http_request& req, const path_params& p,
                     responder& done) {
  set_archived(req, p, true, done);
}

void router::unarchive(const http_request& req, const path_params& p,
                       responder& done) {
  set_archived(req, p, false, done);
}

void router::set_archived(const http_request& req, const path_params& p,
                          bool archived, responder& done) {
  if (!req.body.empty())
    return done(problem(400, "takes no body", "body"));
  if (!req.query.empty())
    return done(problem(400, "unknown parameter", req.query.front().first));
  auto cmd = command_for(actors::command_op::update, p);
  cmd.patch.archived = archived;
  cmd.canonical_body = archived ? R"({"archived":true})"
                                : R"({"archived":false})";
  write(req, std::move(cmd), done);
}

} // namespace actodo::web
