#include "web/route_table.hpp"

#include "web/router.hpp"

namespace actodo::web {

const std::vector<route>& routes() {
  using r = router;
  using op = actors::command_op;
  constexpr auto any = access::anyone;
  constexpr auto user = access::user;
  static const std::vector<route> table{
    {"GET", "/healthz", any, &r::health},
    {"GET", "/readyz", any, &r::ready},
    {"GET", "/metrics", any, &r::metrics},
    {"POST", "/api/v1/auth/register", any, &r::account},
    {"POST", "/api/v1/auth/login", any, &r::account},
    {"POST", "/api/v1/auth/refresh", any, &r::account},
    {"POST", "/api/v1/auth/logout", any, &r::account},
    {"GET", "/api/v1/openapi.json", any, &r::openapi},
    {"GET", "/api/v1/me", user, &r::me},
    {"PATCH", "/api/v1/me", user, &r::update_me},
    {"POST", "/api/v1/quick-add", user, &r::quick_add},
    {"GET", "/api/v1/notifications", user, &r::list_notifications},
    {"POST", "/api/v1/notifications/read", user, &r::read_notifications},
    {"GET", "/api/v1/todos", user, &r::list_todos},
    {"POST", "/api/v1/todos", user, &r::api_write<op::create>},
    {"GET", "/api/v1/todos/{id}", user, &r::get_todo},
    {"PATCH", "/api/v1/todos/{id}", user, &r::api_write<op::update>},
    {"DELETE", "/api/v1/todos/{id}", user, &r::api_write<op::remove>},
    {"GET", "/api/v1/todos/{id}/occurrences", user, &r::todo_occurrences},
    {"POST", "/api/v1/todos/{id}/reminders/{n}/snooze", user, &r::snooze},
    {"POST", "/api/v1/todos/{id}/reminders/{n}/dismiss", user, &r::dismiss},
    {"POST", "/api/v1/todos/{id}/archive", user, &r::archive},
    {"POST", "/api/v1/todos/{id}/unarchive", user, &r::unarchive},
    {"GET", "/api/v1/projects", user, &r::list_projects},
    {"POST", "/api/v1/projects", user, &r::api_write<op::project_create>},
    {"GET", "/api/v1/projects/{id}", user, &r::get_project},
    {"PATCH", "/api/v1/projects/{id}", user, &r::api_write<op::project_update>},
    {"DELETE", "/api/v1/projects/{id}", user, &r::delete_project},
    {"GET", "/api/v1/occurrences", user, &r::preview},
    {"GET", "/api/v1/requests/{id}", user, &r::request_status},
    {"GET", "/api/v1/events", user, &r::events},
    {"GET", "/api/v1/export", user, &r::export_todos},
    {"GET", "/api/v1/ws", user, &r::websocket_only},
    {"GET", "/api/v1/webhooks", user, &r::list_webhooks},
    {"POST", "/api/v1/webhooks", user, &r::create_webhook},
    {"GET", "/api/v1/webhooks/{id}", user, &r::get_webhook},
    {"PATCH", "/api/v1/webhooks/{id}", user, &r::update_webhook},
    {"DELETE", "/api/v1/webhooks/{id}", user, &r::delete_webhook},
    {"GET", "/api/v1/webhooks/{id}/deliveries", user, &r::webhook_deliveries},
    {"POST", "/api/v1/webhooks/{id}/replay", user, &r::replay_webhook},
    {"POST", "/api/v1/imports", user, &r::create_import, true},
    {"GET", "/api/v1/jobs/{id}", user, &r::get_job},
    {"DELETE", "/api/v1/jobs/{id}", user, &r::cancel_job},
    {"GET", "/api/v1/feeds", user, &r::list_feeds},
    {"POST", "/api/v1/feeds", user, &r::create_feed},
    {"DELETE", "/api/v1/feeds/{id}", user, &r::revoke_feed},
    {"GET", "/feeds/{file}", any, &r::serve_feed},
    {"GET", "/todos", user, &r::backend_list},
    {"POST", "/todos", user, &r::backend_write<op::create>},
    {"DELETE", "/todos", user, &r::backend_write<op::clear>},
    {"GET", "/todos/{id}", user, &r::backend_get},
    {"PATCH", "/todos/{id}", user, &r::backend_write<op::update>},
    {"DELETE", "/todos/{id}", user, &r::backend_write<op::remove>},
  };
  return table;
}

bool match_pattern(std::string_view pattern, std::string_view path,
                   path_params& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern.front() != '/'
        || path.front() != '/')
      return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    auto want = pattern.substr(0, pattern.find('/'));
    auto got = path.substr(0, path.find('/'));
    pattern.remove_prefix(want.size());
    path.remove_prefix(got.size());
    if (want.size() > 1 && want.front() == '{' && want.back() == '}') {
      if (got.empty())
        return false;
      params.emplace_back(got);
    } else if (want != got) {
      return false;
    }
  }
  return true;
}

route_match find_route(std::string_view method, std::string_view path) {
  route_match result;
  path_params params;
  auto wanted = method == "HEAD" ? std::string_view{"GET"} : method;
  for (auto& row : routes()) {
    if (!result.pattern.empty() && row.pattern != result.pattern)
      continue;
    if (result.pattern.empty() && !match_pattern(row.pattern, path, params))
      continue;
    if (result.pattern.empty()) {
      result.pattern = row.pattern;
      result.params = params;
    }
    if (!result.allow.empty())
      result.allow += ", ";
    result.allow += row.method;
    if (row.method == "GET")
      result.allow += ", HEAD";
    if (row.method == wanted && result.hit == nullptr)
      result.hit = &row;
  }
  if (!result.pattern.empty())
    result.allow += ", OPTIONS";
  return result;
}

} // namespace actodo::web
