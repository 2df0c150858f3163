#include "web/http_message.hpp"

#include <charconv>

#include "web/transfer_coding.hpp"

namespace actodo::web {

std::optional<http_response>
check_framing(const http::request<http::string_body>& req) {
  if (req.count(http::field::transfer_encoding) == 0)
    return std::nullopt;
  std::string codings;
  auto [first, last] = req.equal_range(http::field::transfer_encoding);
  for (auto i = first; i != last; ++i) {
    if (!codings.empty())
      codings += ',';
    codings.append(i->value().data(), i->value().size());
  }
  std::string_view coding;
  switch (classify_transfer_encoding(codings, coding)) {
    case transfer_verdict::ok: return std::nullopt;
    case transfer_verdict::bad_framing:
      return problem(400,
                     "the final transfer coding must be chunked, not "
                       + std::string{coding},
                     "Transfer-Encoding");
    case transfer_verdict::not_implemented: break;
  }
  return problem(
    501, "transfer coding " + std::string{coding} + " is not implemented",
    "Transfer-Encoding");
}

std::optional<http_response> read_upgrade_query(
  const std::vector<std::pair<std::string, std::string>>& query, bool echo,
  std::string_view& token, actors::session_options& opts) {
  for (auto& [key, value] : query) {
    if (key == "access_token") {
      token = value;
      continue;
    }
    if (key != "after" || echo)
      return problem(400, "unknown parameter", key);
    auto res = std::from_chars(value.data(), value.data() + value.size(),
                               opts.after);
    if (res.ec != std::errc{} || res.ptr != value.data() + value.size()
        || opts.after < 0)
      return problem(400, "must be a non-negative integer", "after");
  }
  return std::nullopt;
}

std::optional<http_response> convert(http::request<http::string_body>& in,
                                     http_request& out) {
  out.method = std::string{in.method_string()};
  auto target = std::string_view{in.target().data(), in.target().size()};
  auto q = target.find('?');
  if (!url_decode(target.substr(0, q), out.path, false))
    return problem(400, "malformed percent-encoding in the path");
  if (q != std::string_view::npos
      && !parse_query(target.substr(q + 1), out.query))
    return problem(400, "malformed percent-encoding in the query");
  for (auto& field : in) {
    auto name = std::string{field.name_string()};
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string{field.value()});
  }
  // Moved: an import body may be tens of MiB.
  out.body = std::move(in.body());
  return std::nullopt;
}

} // namespace actodo::web
