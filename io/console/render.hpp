#pragma once

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace actodo::io::console {

/// Renders `doc` as JSON or as `key: value` lines.
inline std::string render(const nlohmann::json& doc, bool as_json) {
  if (as_json)
    return doc.dump();
  std::ostringstream out;
  for (auto& kvp : doc.items()) {
    out << kvp.key() << ": ";
    if (kvp.value().is_string())
      out << kvp.value().get<std::string>();
    else
      out << kvp.value().dump();
    out << '\n';
  }
  return out.str();
}

/// An error for the console: `{"error": msg}` or `error: msg`.
inline std::string fail(const std::string& msg, bool as_json) {
  return as_json ? nlohmann::json{{"error", msg}}.dump()
                 : "error: " + msg + "\n";
}

} // namespace actodo::io::console
