#include "web/media_type.hpp"

#include <cctype>
#include <string>

#include "web/header_text.hpp"

namespace actodo::web {

namespace {

/// RFC 9110 token characters.
bool is_token(std::string_view x) {
  if (x.empty())
    return false;
  for (auto c : x)
    if (!std::isalnum(static_cast<unsigned char>(c))
        && std::string_view{"!#$%&'*+-.^_`|~"}.find(c)
             == std::string_view::npos)
      return false;
  return true;
}

bool parameters_ok(std::string_view params) {
  while (!params.empty()) {
    auto semi = params.find(';');
    auto item = trim_ows(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{}
                                            : params.substr(semi + 1);
    if (item.empty())
      continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return false;
    auto name = ascii_lower(trim_ows(item.substr(0, eq)));
    auto value = trim_ows(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (!is_token(name))
      return false;
    if (name == "charset" && ascii_lower(value) != "utf-8")
      return false;
  }
  return true;
}

} // namespace

bool is_json_media_type(std::string_view value) {
  auto semi = value.find(';');
  auto essence = ascii_lower(trim_ows(value.substr(0, semi)));
  auto slash = essence.find('/');
  if (slash == std::string::npos)
    return false;
  auto type = std::string_view{essence}.substr(0, slash);
  auto subtype = std::string_view{essence}.substr(slash + 1);
  if (type != "application" || !is_token(subtype))
    return false;
  auto json = subtype == "json"
              || (subtype.size() > 5
                  && subtype.substr(subtype.size() - 5) == "+json");
  if (!json)
    return false;
  return semi == std::string_view::npos
         || parameters_ok(value.substr(semi + 1));
}

} // namespace actodo::web
