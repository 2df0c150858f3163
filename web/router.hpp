#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/gateway.hpp"
#include "web/http_types.hpp"
#include "web/origin_policy.hpp"
#include "web/preconditions.hpp"
#include "web/rate_limiter.hpp"
#include "web/settings.hpp"

namespace actodo::web {

/// Maps HTTP requests to gateway calls and replies to HTTP responses. Knows
/// no sockets: `http_session` parses and writes, the router decides.
class router {
 public:
  router(actors::gateway& gate, const settings& cfg);

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
  // REST API, /api/v1 (api_routes.cpp).
  void todos(const http_request& req, responder& done);
  void todo(const http_request& req, const std::string& id, responder& done);
  void write(const http_request& req, actors::command cmd, responder& done);
  void todo_part(const http_request& req, std::string_view rest,
                 responder& done);
  void occurrences(const http_request& req, responder& done);
  /// Checks a write's headers and body and fills in the command.
  std::optional<http_response> prepare(const http_request& req,
                                       actors::command& cmd,
                                       write_options& opts) const;
  void request_status(const http_request& req, const std::string& id,
                      responder& done);
  void events(const http_request& req, responder& done);

  // Accounts, /api/v1/auth and /api/v1/me (auth_routes.cpp).
  void auth(const http_request& req, std::string_view action, responder& done);
  void me(const http_request& req, responder& done);

  // Todo-Backend API, /todos (todobackend_routes.cpp).
  void backend_todos(const http_request& req, responder& done);
  void backend_todo(const http_request& req, const std::string& id,
                    responder& done);

  actors::gateway& gate_;
  const settings& cfg_;
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

/// The HTTP form of a reply from the actors (problem documents typed as
/// such, empty bodies without a content type).
http_response response_of(const actors::reply& r);

} // namespace actodo::web
