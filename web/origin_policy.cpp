#include "web/origin_policy.hpp"

#include <algorithm>
#include <cctype>

#include "web/header_text.hpp"

namespace actodo::web {

namespace {

/// An empty port, or `:` followed by 1-5 digits.
bool port_suffix(std::string_view rest) {
  if (rest.empty())
    return true;
  if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6)
    return false;
  return std::all_of(rest.begin() + 1, rest.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

} // namespace

origin_policy::origin_policy(bool local_mode, std::string_view origins)
  : local_mode_(local_mode) {
  for_each_element(origins, [this](std::string_view item) {
    if (item == "*")
      any_origin_ = true;
    else
      origins_.emplace_back(item);
  });
}

bool origin_policy::is_loopback_host(std::string_view host) {
  for (std::string_view name : {"localhost", "127.0.0.1", "[::1]"})
    if (host.size() >= name.size() && iequals(host.substr(0, name.size()), name)
        && port_suffix(host.substr(name.size())))
      return true;
  return false;
}

bool origin_policy::same_origin(std::string_view origin,
                                std::string_view host) {
  for (std::string_view scheme : {"http://", "https://"})
    if (origin.size() > scheme.size()
        && iequals(origin.substr(0, scheme.size()), scheme))
      return iequals(origin.substr(scheme.size()), host);
  return false;
}

bool origin_policy::listed(std::string_view origin) const {
  return any_origin_
         || std::any_of(origins_.begin(), origins_.end(),
                        [origin](auto& x) { return iequals(x, origin); });
}

std::optional<http_response>
origin_policy::check(const http_request& req) const {
  auto host = req.header("host");
  if (local_mode_) {
    if (host.empty())
      return problem(400, "send a Host header", "Host");
    if (!is_loopback_host(host))
      return problem(421,
                     "this server answers only for localhost, 127.0.0.1 and "
                     "[::1] in local mode",
                     "Host");
  }
  if (!req.has_header("origin"))
    return std::nullopt; // Not a cross-site browser request.
  auto origin = req.header("origin");
  if (same_origin(origin, host) || listed(origin))
    return std::nullopt;
  return problem(403,
                 "requests from origin " + std::string{origin}
                   + " are not allowed; list it in --cors-origins",
                 "Origin");
}

void origin_policy::add_cors(std::string_view origin, std::string_view host,
                             http_response& res) const {
  if (origin.empty() || same_origin(origin, host) || !listed(origin))
    return;
  res.headers.emplace_back("Access-Control-Allow-Origin",
                           any_origin_ ? "*" : std::string{origin});
  if (!any_origin_)
    res.headers.emplace_back("Vary", "Origin");
  res.headers.emplace_back("Access-Control-Expose-Headers",
                           "Location, ETag, Preference-Applied, Retry-After");
}

http_response origin_policy::preflight(const http_request& req) const {
  http_response res;
  res.status = 204;
  res.content_type.clear();
  res.headers.emplace_back("Allow", "GET, HEAD, POST, PATCH, DELETE, OPTIONS");
  if (!req.has_header("origin"))
    return res;
  res.headers.emplace_back("Access-Control-Allow-Methods",
                           "GET, POST, PATCH, DELETE, OPTIONS");
  res.headers.emplace_back("Access-Control-Allow-Headers",
                           "Content-Type, Authorization, If-Match, "
                           "If-None-Match, Idempotency-Key, Prefer");
  res.headers.emplace_back("Access-Control-Max-Age", "86400");
  return res;
}

} // namespace actodo::web
