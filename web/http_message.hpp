#pragma once

// Between Beast's messages and the router's types, for `http_session`:
// framing checks, the upgrade query, the request conversion and the
// response head.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/gateway.hpp"
#include "web/beast.hpp"
#include "web/http_types.hpp"

namespace actodo::web {

/// Request smuggling guard (RFC 9112 §6.3): a body is framed by
/// `Content-Length` or by `chunked` as the final transfer coding, nothing
/// else.
std::optional<http_response>
check_framing(const http::request<http::string_body>& req);

/// Reads `access_token` (browsers cannot set headers on WebSocket upgrades)
/// and, on the API socket, `after`.
std::optional<http_response> read_upgrade_query(
  const std::vector<std::pair<std::string, std::string>>& query, bool echo,
  std::string_view& token, actors::session_options& opts);

/// Converts Beast's request into the router's (the body is moved).
std::optional<http_response> convert(http::request<http::string_body>& in,
                                     http_request& out);

/// A response's status line and headers (server, the handler's headers,
/// content type, keep-alive), ready for a body of type `Body`.
template<class Body>
std::shared_ptr<http::response<Body>>
make_head(const http_response& res, unsigned version, bool keep_alive) {
  auto msg = std::make_shared<http::response<Body>>(
    static_cast<http::status>(res.status), version);
  msg->set(http::field::server, "actodo");
  for (auto& [name, value] : res.headers)
    msg->set(name, value);
  if (!res.content_type.empty())
    msg->set(http::field::content_type, res.content_type);
  msg->keep_alive(keep_alive);
  return msg;
}

} // namespace actodo::web
