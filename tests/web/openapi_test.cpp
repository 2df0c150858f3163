#define CAF_SUITE web.openapi

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "caf/test/unit_test.hpp"
#include <nlohmann/json.hpp>

#include "web/openapi.hpp"
#include "web/route_table.hpp"

using namespace actodo::web;

namespace {

nlohmann::json document() {
  return nlohmann::json::parse(openapi_document());
}

std::string lower(std::string_view x) {
  std::string out{x};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

/// The `{name}` segments of a pattern.
std::set<std::string> path_names(std::string_view pattern) {
  std::set<std::string> out;
  for (size_t i = pattern.find('{'); i != std::string_view::npos;
       i = pattern.find('{', i + 1))
    out.emplace(pattern.substr(i + 1, pattern.find('}', i) - i - 1));
  return out;
}

} // namespace

CAF_TEST(the document is OpenAPI 3.1) {
  auto doc = document();
  CAF_CHECK_EQUAL(doc.value("openapi", ""), "3.1.0");
  CAF_CHECK(doc.contains("info"));
  CAF_CHECK(doc["components"]["schemas"].contains("Problem"));
}

CAF_TEST(every route is documented and every documented operation routed) {
  auto doc = document();
  auto& paths = doc["paths"];
  std::set<std::pair<std::string, std::string>> table;
  for (auto& r : routes())
    table.emplace(std::string{r.pattern}, lower(r.method));
  std::set<std::pair<std::string, std::string>> documented;
  static const std::set<std::string> methods{
    "get", "put", "post", "delete", "options", "head", "patch", "trace"};
  for (auto& [path, item] : paths.items())
    for (auto& [key, op] : item.items())
      if (methods.count(key) > 0)
        documented.emplace(path, key);
  for (auto& x : table)
    if (documented.count(x) == 0)
      CAF_ERROR("route without a description: " << x.second << " " << x.first);
  for (auto& x : documented)
    if (table.count(x) == 0)
      CAF_ERROR("documented operation without a route: " << x.second << " "
                                                         << x.first);
  CAF_CHECK_EQUAL(table.size(), documented.size());
}

CAF_TEST(every operation says what it does and how it fails) {
  auto doc = document();
  std::set<std::string> ids;
  for (auto& r : routes()) {
    auto& op = doc["paths"][std::string{r.pattern}][lower(r.method)];
    auto where = std::string{r.method} + " " + std::string{r.pattern};
    CAF_MESSAGE("operation " << where);
    CAF_CHECK(!op.value("summary", "").empty());
    CAF_CHECK(!op.value("description", "").empty());
    auto id = op.value("operationId", "");
    CAF_CHECK(!id.empty());
    CAF_CHECK(ids.insert(id).second);
    auto& responses = op["responses"];
    CAF_CHECK(responses.is_object() && !responses.empty());
    // User routes need the bearer token and say so, with their 401.
    auto secured = op.contains("security") && !op["security"].empty();
    CAF_CHECK_EQUAL(secured, r.who == access::user);
    if (r.who == access::user)
      CAF_CHECK(responses.contains("401"));
    // Every path parameter is described.
    std::set<std::string> declared;
    for (auto& p : op.value("parameters", nlohmann::json::array()))
      if (p.value("in", "") == "path")
        declared.insert(p.value("name", ""));
    CAF_CHECK(declared == path_names(r.pattern));
  }
}
