#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http_types.hpp"

namespace actodo::web {

/// One file of the web UI compiled into the binary.
struct embedded_file {
  /// Absolute URL path, e.g. `/app.js`.
  std::string_view path;
  std::string_view body;
};

/// The files of `web/ui/` as they were at build time (generated source).
const std::vector<embedded_file>& embedded_files();

/// Answers a GET/HEAD for a UI file: `/` is `/index.html`. Reads from
/// `dir` when it is not empty (`--ui-dir`), else from the embedded copy.
/// Sets the content type, a strict Content-Security-Policy and an ETag
/// (`If-None-Match` gives 304). `std::nullopt` when there is no such file.
std::optional<http_response> static_file(const http_request& req,
                                         const std::string& dir);

} // namespace actodo::web
