#include "web/preconditions.hpp"

#include <charconv>

#include "web/header_text.hpp"
#include "web/media_type.hpp"

namespace actodo::web {

namespace {

/// Parses `"N"` or `W/"N"`.
std::optional<int64_t> parse_tag(std::string_view tag) {
  tag = trim_ows(tag);
  if (tag.substr(0, 2) == "W/")
    tag.remove_prefix(2);
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"')
    return std::nullopt;
  tag = tag.substr(1, tag.size() - 2);
  int64_t value = 0;
  auto res = std::from_chars(tag.data(), tag.data() + tag.size(), value);
  if (res.ec != std::errc{} || res.ptr != tag.data() + tag.size() || value < 0)
    return std::nullopt;
  return value;
}

/// Finds `wait=N` among the comma-separated preferences (RFC 7240).
std::optional<http_response> parse_prefer(std::string_view prefer, bool& wait) {
  while (!prefer.empty()) {
    auto comma = prefer.find(',');
    auto item = trim_ows(prefer.substr(0, comma));
    prefer = comma == std::string_view::npos ? std::string_view{}
                                             : prefer.substr(comma + 1);
    if (item.substr(0, 5) != "wait=")
      continue; // Unknown preferences are ignored (RFC 7240, 2).
    auto num = item.substr(5);
    int64_t seconds = 0;
    auto res = std::from_chars(num.data(), num.data() + num.size(), seconds);
    if (res.ec != std::errc{} || res.ptr != num.data() + num.size()
        || seconds < 0)
      return problem(400, "wait must be a non-negative integer", "Prefer");
    wait = true;
  }
  return std::nullopt;
}

} // namespace

std::optional<http_response> read_write_options(const http_request& req,
                                                bool json_body,
                                                write_options& out) {
  if (auto prefer = req.header("prefer"); !prefer.empty())
    if (auto err = parse_prefer(prefer, out.wait))
      return err;
  if (req.has_header("if-match")) {
    auto tag = parse_tag(req.header("if-match"));
    if (!tag)
      return problem(400, "must be an entity tag such as \"3\"", "If-Match");
    out.if_match = *tag;
  }
  if (req.has_header("idempotency-key")) {
    auto key = req.header("idempotency-key");
    if (key.empty() || key.size() > 255)
      return problem(400, "must be 1-255 characters", "Idempotency-Key");
    out.idempotency_key = std::string{key};
  }
  if (!json_body)
    return std::nullopt;
  if (!is_json_media_type(req.header("content-type")))
    return problem(415, "send application/json", "Content-Type");
  return std::nullopt;
}

std::string entity_tag(int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

bool etag_matches(std::string_view header, int64_t version) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = trim_ows(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{}
                                             : header.substr(comma + 1);
    if (item == "*")
      return true;
    if (auto tag = parse_tag(item); tag && *tag == version)
      return true;
  }
  return false;
}

} // namespace actodo::web
