#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/gateway.hpp"
#include "web/gateways.hpp"
#include "web/http_types.hpp"
#include "web/origin_policy.hpp"
#include "web/preconditions.hpp"
#include "web/rate_limiter.hpp"
#include "web/route_table.hpp"
#include "web/settings.hpp"

namespace actodo::io::codec {
class todo_exporter;
} // namespace actodo::io::codec

namespace actodo::web {

/// Maps HTTP requests to gateway calls and replies to HTTP responses. Knows
/// no sockets: `http_session` parses and writes, the router decides.
class router {
 public:
  /// A null member of `more` makes its routes answer 503.
  router(actors::gateway& gate, const settings& cfg,
         service_gateways more = {});

  void handle(http_request req, responder done);

  /// Host and Origin checks every request and WebSocket upgrade passes
  /// first (`origin_policy`); a problem response when refused.
  std::optional<http_response> admit(const http_request& req) const;

  /// The per-user and per-address token buckets (null when off); WebSocket
  /// upgrades and command frames draw from the same buckets.
  rate_limiter* user_limiter() const {
    return user_limit_.get();
  }
  rate_limiter* ip_limiter() const {
    return ip_limit_.get();
  }

  /// 429 with `Retry-After` when `key` has no token left in `limiter`.
  static std::optional<http_response> throttle(rate_limiter* limiter,
                                               const std::string& key);

  /// Who a request acts for: the local user in `local` auth mode, else the
  /// subject of a valid access token from `Authorization: Bearer` (or,
  /// for WebSocket upgrades from browsers, `token` when given). Fills
  /// `expires_ms` (0 in local mode); on failure a 401 response.
  std::optional<http_response>
  authenticate(const http_request& req, std::string_view token,
               std::string& user, int64_t& expires_ms) const;

 private:
  friend const std::vector<route>& routes();

  // Every handler is a row of the route table (route_table.cpp): it runs
  // only for its method, after the table's access check.

  // Probes and metrics (router.cpp).
  void health(const http_request& req, const path_params& p, responder& done);
  /// `/readyz`: 200 while the store answers, else 503 + `Retry-After`.
  void ready(const http_request& req, const path_params& p, responder& done);
  void metrics(const http_request& req, const path_params& p, responder& done);
  /// The OpenAPI document (`web/openapi.json`).
  void openapi(const http_request& req, const path_params& p, responder& done);

  // REST API, /api/v1 (api_routes.cpp).
  void list_todos(const http_request& req, const path_params& p,
                  responder& done);
  void get_todo(const http_request& req, const path_params& p, responder& done);
  void todo_occurrences(const http_request& req, const path_params& p,
                        responder& done);
  void snooze(const http_request& req, const path_params& p, responder& done);
  void dismiss(const http_request& req, const path_params& p, responder& done);
  void preview(const http_request& req, const path_params& p, responder& done);
  void request_status(const http_request& req, const path_params& p,
                      responder& done);
  void events(const http_request& req, const path_params& p, responder& done);
  /// `GET /api/v1/export` (export_routes.cpp): streamed.
  void export_todos(const http_request& req, const path_params& p,
                    responder& done);
  void websocket_only(const http_request& req, const path_params& p,
                      responder& done);
  // Projects and the archive (project_routes.cpp).
  void list_projects(const http_request& req, const path_params& p,
                     responder& done);
  void get_project(const http_request& req, const path_params& p,
                   responder& done);
  /// `DELETE /api/v1/projects/{id}?move_to=`.
  void delete_project(const http_request& req, const path_params& p,
                      responder& done);
  void archive(const http_request& req, const path_params& p, responder& done);
  void unarchive(const http_request& req, const path_params& p,
                 responder& done);
  void set_archived(const http_request& req, const path_params& p,
                    bool archived, responder& done);
  /// Snooze or dismiss reminder `p[1]` of todo `p[0]`.
  void reminder_action(const http_request& req, const path_params& p,
                       bool snooze, responder& done);
  /// A REST write: the route table binds the method to `Op`, the target
  /// todo is `p[0]` when the pattern has one.
  template<actors::command_op Op>
  void
  api_write(const http_request& req, const path_params& p, responder& done) {
    write(req, command_for(Op, p), done);
  }
  void write(const http_request& req, actors::command cmd, responder& done);
  /// Checks a write's headers and body and fills in the command.
  std::optional<http_response> prepare(const http_request& req,
                                       actors::command& cmd,
                                       write_options& opts) const;

  // Accounts, /api/v1/auth and /api/v1/me (auth_routes.cpp).
  void account(const http_request& req, const path_params& p, responder& done);
  void me(const http_request& req, const path_params& p, responder& done);
  /// `PATCH /api/v1/me` and `POST /api/v1/quick-add`
  /// (quick_add_routes.cpp).
  void update_me(const http_request& req, const path_params& p,
                 responder& done);
  void quick_add(const http_request& req, const path_params& p,
                 responder& done);
  /// The notifications feed (notification_routes.cpp).
  void list_notifications(const http_request& req, const path_params& p,
                          responder& done);
  void read_notifications(const http_request& req, const path_params& p,
                          responder& done);

  // Webhooks, /api/v1/webhooks (webhook_routes.cpp).
  void list_webhooks(const http_request& req, const path_params& p,
                     responder& done);
  void create_webhook(const http_request& req, const path_params& p,
                      responder& done);
  void get_webhook(const http_request& req, const path_params& p,
                   responder& done);
  void update_webhook(const http_request& req, const path_params& p,
                      responder& done);
  void delete_webhook(const http_request& req, const path_params& p,
                      responder& done);
  void webhook_deliveries(const http_request& req, const path_params& p,
                          responder& done);
  void replay_webhook(const http_request& req, const path_params& p,
                      responder& done);
  /// Whether this node serves webhooks; else answers 503.
  bool webhooks_on(responder& done) const;

  // Import jobs, /api/v1/imports and /api/v1/jobs (job_routes.cpp).
  void create_import(const http_request& req, const path_params& p,
                     responder& done);
  void get_job(const http_request& req, const path_params& p, responder& done);
  void cancel_job(const http_request& req, const path_params& p,
                  responder& done);
  /// Whether this node runs import jobs; else answers 503.
  bool jobs_on(responder& done) const;

  // Calendar feeds, /api/v1/feeds and /feeds/{token}.ics
  // (feed_routes.cpp).
  void create_feed(const http_request& req, const path_params& p,
                   responder& done);
  void list_feeds(const http_request& req, const path_params& p,
                  responder& done);
  void revoke_feed(const http_request& req, const path_params& p,
                   responder& done);
  /// The iCalendar export of a feed's user; no other authentication.
  void serve_feed(const http_request& req, const path_params& p,
                  responder& done);
  bool feeds_on(responder& done) const;
  /// The streamed export of a user's todos in the exporter's format
  /// (archived todos too when `with_archived`).
  http_response export_response(const std::string& user,
                                std::unique_ptr<io::codec::todo_exporter> out,
                                bool with_archived);

  // Todo-Backend API, /todos (todobackend_routes.cpp).
  void backend_list(const http_request& req, const path_params& p,
                    responder& done);
  void backend_get(const http_request& req, const path_params& p,
                   responder& done);
  /// A Todo-Backend write (bound like `api_write`): answered with the todo
  /// and its url.
  template<actors::command_op Op>
  void backend_write(const http_request& req, const path_params& p,
                     responder& done) {
    backend_submit(req, command_for(Op, p), done);
  }
  void backend_submit(const http_request& req, actors::command cmd,
                      responder& done);
  /// A command doing `op` to the todo named by the path, if any.
  static actors::command command_for(actors::command_op op,
                                     const path_params& p);

  /// Runs the matched route: access check, throttles, handler.
  void dispatch(http_request& req, const route_match& match, responder& reply);

  actors::gateway& gate_;
  const settings& cfg_;
  actors::webhook_gateway* hooks_;
  actors::job_gateway* jobs_;
  actors::feed_gateway* feeds_;
  origin_policy origins_;
  std::unique_ptr<rate_limiter> user_limit_;
  std::unique_ptr<rate_limiter> ip_limit_;
  /// RRULE expansions (previews and occurrence listings) per user.
  std::unique_ptr<rate_limiter>
    expansion_limit_ = cfg_.preview_rate_limit > 0
                         ? std::make_unique<rate_limiter>(
                           cfg_.preview_rate_limit)
                         : nullptr;
};

} // namespace actodo::web
