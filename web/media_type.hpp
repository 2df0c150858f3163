#pragma once

#include <string_view>

namespace actodo::web {

/// Whether a `Content-Type` value names JSON: `application/json` or any
/// `application/<x>+json` (RFC 6839), case-insensitive, with optional
/// parameters where a `charset`, if present, must be `utf-8`. A prefix
/// such as `application/jsonp` or `text/plain` is not JSON.
bool is_json_media_type(std::string_view value);

} // namespace actodo::web
