#pragma once

#include <string_view>

namespace actodo::web {

/// The OpenAPI 3.1 document of every route (`web/openapi.json`, compiled
/// into the binary); a unit test holds it to the route table.
std::string_view openapi_document();

} // namespace actodo::web
