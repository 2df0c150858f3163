#pragma once

#include <optional>
#include <string>

#include "actors/gateway.hpp"
#include "web/http_types.hpp"
#include "web/preconditions.hpp"

namespace actodo::web {

/// Maps HTTP requests to gateway calls and replies to HTTP responses. Knows
/// no sockets: `http_session` parses and writes, the router decides.
class router {
 public:
  explicit router(actors::gateway& gate);

  void handle(const http_request& req, responder done);

  /// The user a request acts for. Until accounts exist: the local user.
  std::string user_of(const http_request& req) const;

 private:
  // REST API, /api/v1 (api_routes.cpp).
  void todos(const http_request& req, responder& done);
  void todo(const http_request& req, const std::string& id, responder& done);
  void write(const http_request& req, actors::command cmd, responder& done);
  /// Checks a write's headers and body and fills in the command.
  std::optional<http_response> prepare(const http_request& req,
                                       actors::command& cmd,
                                       write_options& opts) const;
  void request_status(const http_request& req, const std::string& id,
                      responder& done);
  void events(const http_request& req, responder& done);

  // Todo-Backend API, /todos (todobackend_routes.cpp).
  void backend_todos(const http_request& req, responder& done);
  void backend_todo(const http_request& req, const std::string& id,
                    responder& done);

  actors::gateway& gate_;
};

/// Adds the CORS headers every response carries.
void add_cors(http_response& res);

} // namespace actodo::web
