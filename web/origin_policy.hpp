#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http_types.hpp"

namespace actodo::web {

/// Which `Host` and `Origin` values the server answers (DNS rebinding and
/// cross-site requests). In local mode only loopback hosts are served (421
/// otherwise). In every mode a request whose `Origin` is not the server's
/// own is refused with 403 unless `--cors-origins` lists it (or `*`); only
/// such allowed cross-origin requests get CORS headers.
class origin_policy {
 public:
  /// `origins`: the comma list of `--cors-origins`.
  origin_policy(bool local_mode, std::string_view origins);

  /// A 400/421/403 problem when the request must not be served.
  std::optional<http_response> check(const http_request& req) const;

  /// Adds CORS headers to the response of an allowed cross-origin request
  /// (`origin` empty: not a cross-site request).
  void add_cors(std::string_view origin, std::string_view host,
                http_response& res) const;

  /// The answer to `OPTIONS` (a CORS preflight when `Origin` is sent).
  http_response preflight(const http_request& req) const;

  /// `localhost`, `127.0.0.1` or `[::1]`, with an optional port.
  static bool is_loopback_host(std::string_view host);

 private:
  /// True when `origin` names the host the request was sent to.
  static bool same_origin(std::string_view origin, std::string_view host);
  bool listed(std::string_view origin) const;

  bool local_mode_;
  bool any_origin_ = false;
  std::vector<std::string> origins_;
};

} // namespace actodo::web
