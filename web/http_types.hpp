#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actodo::web {

/// A parsed HTTP request as the router sees it (no Beast types).
struct http_request {
  std::string method;
  /// Decoded path without the query string.
  std::string path;
  /// Decoded query parameters in order.
  std::vector<std::pair<std::string, std::string>> query;
  /// Header names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// The authenticated user (set by the router).
  std::string user;
  /// The client's IP address.
  std::string remote;

  /// The first value of a header, or an empty view.
  std::string_view header(std::string_view lower_name) const;
  bool has_header(std::string_view lower_name) const;
};

/// A response body made piece by piece and sent chunked (an export of any
/// size): the session asks for the next piece only after the previous one
/// was written, so at most one piece is in memory per connection.
class body_stream {
 public:
  /// A piece, or the end (`ok` and empty), or a failure (`!ok`: the
  /// connection closes without the last chunk, so the client sees that the
  /// body is incomplete).
  using piece_callback = std::function<void(bool ok, std::string piece)>;

  virtual ~body_stream() = default;

  /// Produces the next piece; `done` may run on any thread, once.
  virtual void next(piece_callback done) = 0;
};

struct http_response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Empty when there is no body.
  std::string content_type = "application/json";
  /// When set, the body comes from here (chunked) and `body` is unused.
  std::shared_ptr<body_stream> stream;
};

/// Completes a request; may be called from any thread, exactly once.
using responder = std::function<void(http_response)>;

/// Percent-decodes `in` (and `+` as space when `form` is set); false when
/// an escape is malformed.
bool url_decode(std::string_view in, std::string& out, bool form);

/// Splits `a=1&b=2` into decoded pairs; false on a malformed escape.
bool parse_query(std::string_view query,
                 std::vector<std::pair<std::string, std::string>>& out);

/// An RFC 9457 problem response.
http_response problem(int status, std::string_view detail,
                      std::string_view field = {});

} // namespace actodo::web
