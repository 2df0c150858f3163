#pragma once

// Checks of RFC 9457 problem documents as the integration tests make them:
// each returns an empty string when the document is as expected, else what
// differs (with the document), so that a failing CAF_CHECK_EQUAL shows it.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "web/http_types.hpp"

namespace actodo::test {

/// Empty when `doc` is a problem document with `status`, string `type`,
/// `title` and `detail`, and (when given) `field` as its `field` member; an
/// empty `field` means the document names none.
inline std::string
problem_body_mismatch(const nlohmann::json& doc, int status,
                      const std::optional<std::string>& field = std::nullopt) {
  auto text = doc.dump();
  if (!doc.is_object())
    return "not an object: " + text;
  if (doc.value("status", nlohmann::json{}) != status)
    return "status is not " + std::to_string(status) + ": " + text;
  for (auto key : {"type", "title", "detail"})
    if (!doc.contains(key) || !doc[key].is_string())
      return std::string{key} + " is not a string: " + text;
  if (field && field->empty() && doc.contains("field"))
    return "names a field: " + text;
  if (field && !field->empty()
      && doc.value("field", nlohmann::json{}) != *field)
    return "field is not " + *field + ": " + text;
  return {};
}

/// Empty when `res` is an `application/problem+json` answer with `status`
/// whose document passes `problem_body_mismatch`.
inline std::string
problem_mismatch(const web::http_response& res, int status,
                 const std::optional<std::string>& field = std::nullopt) {
  if (res.status != status)
    return "HTTP status " + std::to_string(res.status) + ": " + res.body;
  if (res.content_type != "application/problem+json")
    return "content type " + res.content_type + ": " + res.body;
  auto doc = nlohmann::json::parse(res.body, nullptr, false);
  if (doc.is_discarded())
    return "not JSON: " + res.body;
  return problem_body_mismatch(doc, status, field);
}

} // namespace actodo::test
