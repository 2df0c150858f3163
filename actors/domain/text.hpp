#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace actodo::actors::domain {

/// Counts the Unicode code points of UTF-8 text: every byte that is not a
/// continuation byte (`10xxxxxx`) starts a new code point. Input is expected
/// to be valid UTF-8 (nlohmann::json rejects anything else while parsing).
size_t count_code_points(std::string_view utf8);

/// Returns whether `utf8` consists only of white space: ASCII white space,
/// U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F
/// and U+3000. Also returns `true` for empty input.
bool is_blank(std::string_view utf8);

/// Returns `str` with ASCII letters folded to lower case. Other bytes (incl.
/// all non-ASCII characters) are left unchanged.
std::string ascii_lower(std::string_view str);

/// Compares two strings ignoring ASCII case.
bool iequals(std::string_view x, std::string_view y);

/// Returns whether `needle` occurs in `haystack`, ignoring ASCII case. An
/// empty needle is contained in every string.
bool icontains(std::string_view haystack, std::string_view needle);

/// Encodes `bytes` as unpadded base64url (RFC 4648, section 5).
std::string base64url_encode(std::string_view bytes);

/// Decodes unpadded base64url into `out`. Returns `false` on characters
/// outside the base64url alphabet, padding, or an impossible length.
bool base64url_decode(std::string_view str, std::string& out);

} // namespace actodo::actors::domain
