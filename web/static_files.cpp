#include "web/static_files.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <system_error>
#include <unistd.h>

namespace actodo::web {

namespace {

std::string_view content_type_of(std::string_view path) {
  auto dot = path.rfind('.');
  auto ext = dot == std::string_view::npos ? std::string_view{}
                                           : path.substr(dot + 1);
  if (ext == "html")
    return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs")
    return "text/javascript; charset=utf-8";
  if (ext == "css")
    return "text/css; charset=utf-8";
  if (ext == "svg")
    return "image/svg+xml";
  if (ext == "png")
    return "image/png";
  if (ext == "ico")
    return "image/x-icon";
  if (ext == "json" || ext == "webmanifest")
    return "application/manifest+json";
  return "application/octet-stream";
}

/// Only plain relative names: no `..`, no hidden files, no backslashes.
bool safe_path(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.size() > 256)
    return false;
  if (path.find("/.") != std::string_view::npos
      || path.find('\\') != std::string_view::npos
      || path.find('\0') != std::string_view::npos)
    return false;
  return true;
}

/// Reads `dir` + `path` when it resolves (symlinks included) to a regular
/// file inside `dir`; never throws (directories, dangling links, files
/// that vanish or cannot be read are simply not found).
std::optional<std::string> read_file(const std::string& dir,
                                     std::string_view path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto root = fs::canonical(dir, ec);
  if (ec)
    return std::nullopt;
  auto name = fs::canonical(root / fs::path{path.substr(1)}, ec);
  if (ec || !fs::is_regular_file(name, ec) || ec)
    return std::nullopt;
  // Inside the directory: `root` is a proper prefix, component-wise.
  auto [r, n] = std::mismatch(root.begin(), root.end(), name.begin(),
                              name.end());
  if (r != root.end() || n == name.end())
    return std::nullopt;
  auto fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  std::string body;
  char chunk[16384];
  for (;;) {
    auto got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      ::close(fd);
      if (got < 0)
        return std::nullopt;
      return body;
    }
    body.append(chunk, static_cast<size_t>(got));
  }
}

} // namespace

std::optional<http_response> static_file(const http_request& req,
                                         const std::string& dir) {
  auto path = req.path == "/" ? std::string_view{"/index.html"}
                              : std::string_view{req.path};
  if (!safe_path(path))
    return std::nullopt;
  http_response res;
  if (!dir.empty()) {
    auto body = read_file(dir, path);
    if (!body)
      return std::nullopt;
    res.body = std::move(*body);
  } else {
    auto& files = embedded_files();
    auto i = std::find_if(files.begin(), files.end(),
                          [path](auto& f) { return f.path == path; });
    if (i == files.end())
      return std::nullopt;
    res.body = std::string{i->body};
  }
  res.content_type = std::string{content_type_of(path)};
  auto etag = "\"" + std::to_string(std::hash<std::string>{}(res.body)) + "\"";
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; connect-src 'self' ws: wss:; "
                           "img-src 'self' data:; style-src 'self'; "
                           "script-src 'self'; frame-ancestors 'none'");
  if (req.header("if-none-match") == etag) {
    res.status = 304;
    res.body.clear();
  }
  return res;
}

} // namespace actodo::web
