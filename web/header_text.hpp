#pragma once

#include <string>
#include <string_view>

namespace actodo::web {

/// Removes optional white space (space, tab) around a header list element.
std::string_view trim_ows(std::string_view x);

/// ASCII case-insensitive equality (tokens, scheme and host names).
bool iequals(std::string_view a, std::string_view b);

/// ASCII lower case.
std::string ascii_lower(std::string_view x);

/// Calls `fn(element)` for each trimmed element of a comma-separated header
/// list, skipping empty ones (RFC 9110 §5.6.1).
template<class F>
void for_each_element(std::string_view list, F fn) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = trim_ows(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{}
                                           : list.substr(comma + 1);
    if (!item.empty())
      fn(item);
  }
}

} // namespace actodo::web
