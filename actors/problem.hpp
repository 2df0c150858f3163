#pragma once

#include <string>
#include <string_view>

#include "actors/messages.hpp"

namespace actodo::actors {

/// Encodes an RFC 9457 problem document. `field` names the offending field
/// or parameter and is left out when empty.
std::string make_problem(int status, std::string_view detail,
                         std::string_view field = {});

/// A reply carrying a problem document.
reply problem_reply(int status, std::string_view detail,
                    std::string_view field = {});

/// The standard reason phrase for an HTTP status ("Not Found").
std::string_view status_title(int status);

} // namespace actodo::actors
