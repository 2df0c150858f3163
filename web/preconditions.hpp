#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/messages.hpp"
#include "web/http_types.hpp"

namespace actodo::web {

/// What the headers of a write ask for.
struct write_options {
  /// `If-Match` version; -1 when absent.
  int64_t if_match = -1;
  std::string idempotency_key;
  /// `Prefer: wait=N` given: answer with the final outcome.
  bool wait = false;
};

/// Checks the headers of a write (and, with `json_body`, that the body is
/// `application/json`); a problem response naming the header when
/// something is wrong.
std::optional<http_response>
read_write_options(const http_request& req, bool json_body, write_options& out);

/// `"<version>"`.
std::string entity_tag(int64_t version);

/// Whether an `If-None-Match` value matches the version.
bool etag_matches(std::string_view header, int64_t version);

} // namespace actodo::web
