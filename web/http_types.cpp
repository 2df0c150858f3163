#include "web/http_types.hpp"

#include "actors/record_codec.hpp"

namespace actodo::web {

std::string_view http_request::header(std::string_view lower_name) const {
  for (auto& kvp : headers)
    if (kvp.first == lower_name)
      return kvp.second;
  return {};
}

bool http_request::has_header(std::string_view lower_name) const {
  for (auto& kvp : headers)
    if (kvp.first == lower_name)
      return true;
  return false;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

bool url_decode(std::string_view in, std::string& out, bool form) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    auto c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return false;
      auto hi = hex_value(in[i + 1]);
      auto lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && form) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

bool parse_query(std::string_view query,
                 std::vector<std::pair<std::string, std::string>>& out) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{}
                                          : query.substr(amp + 1);
    if (part.empty())
      continue;
    auto eq = part.find('=');
    std::string key;
    std::string value;
    if (!url_decode(part.substr(0, eq), key, true))
      return false;
    if (eq != std::string_view::npos
        && !url_decode(part.substr(eq + 1), value, true))
      return false;
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

http_response problem(int status, std::string_view detail,
                      std::string_view field) {
  http_response res;
  res.status = status;
  res.content_type = "application/problem+json";
  res.body = actors::records::problem(status, detail, field);
  return res;
}

} // namespace actodo::web
