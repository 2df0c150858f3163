#pragma once

// RFC 9457 problem documents: the one encoding shared by the stored request
// records (record_codec.cpp) and the web layer's error responses. Actors
// never answer with one: they answer `caf::error` values.

#include <string>
#include <string_view>

namespace actodo::actors {

/// Encodes an RFC 9457 problem document. `field` names the offending field
/// or parameter and is left out when empty.
std::string make_problem(int status, std::string_view detail,
                         std::string_view field = {});

/// The standard reason phrase for an HTTP status ("Not Found").
std::string_view status_title(int status);

} // namespace actodo::actors
