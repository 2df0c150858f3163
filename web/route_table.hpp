#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "web/http_types.hpp"

namespace actodo::web {

class router;

/// Who may call a route: anyone, or an authenticated user (the local user
/// in local mode).
enum class access { anyone, user };

/// The `{...}` segments of a matched path, in order.
using path_params = std::vector<std::string>;

using route_handler = void (router::*)(const http_request&, const path_params&,
                                       responder&);

/// One row of the route table, the one source for dispatch, `/metrics`
/// labels, `Allow` headers and 405s (and the OpenAPI document later).
struct route {
  std::string_view method;
  /// Segments separated by `/`, where `{name}` matches one non-empty
  /// segment. Also the route's metrics label.
  std::string_view pattern;
  access who;
  route_handler handler;
  /// Takes bodies up to `settings::upload_limit` (not `body_limit`) once
  /// the request is authenticated (`POST /api/v1/imports`).
  bool upload = false;
};

/// Every REST route of the server.
const std::vector<route>& routes();

/// What the table says about a request.
struct route_match {
  /// The row for this pattern and method; null when there is none.
  const route* hit = nullptr;
  /// The pattern the path matched (the metrics label); empty when none did.
  std::string_view pattern;
  /// The methods of that pattern, for `Allow` (e.g. `GET, HEAD, POST`).
  std::string allow;
  path_params params;
};

/// Looks `method` and `path` up (`HEAD` is served by a `GET` row).
route_match find_route(std::string_view method, std::string_view path);

/// Splits `pattern` into segments and matches `path` against it; fills
/// `params` with the `{...}` segments.
bool match_pattern(std::string_view pattern, std::string_view path,
                   path_params& params);

} // namespace actodo::web
