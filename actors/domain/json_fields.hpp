#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace actodo::actors::domain {

/// The integer `obj[key]` of a stored document: a JSON integer that fits
/// `int64_t`. A fraction, an exponent such as 3.7e112 or a huge unsigned
/// number is refused like a wrong type (`json::type_error`) rather than
/// converted: a double out of `int64_t`'s range is undefined behaviour in
/// the JSON library's conversion (found by the `json_codecs` fuzzer).
inline int64_t integer_at(const nlohmann::json& obj, const char* key) {
  auto& x = obj.at(key);
  if (!x.is_number_integer()
      || (x.is_number_unsigned()
          && x.get<uint64_t>()
               > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
    throw nlohmann::json::type_error::create(
      302, std::string{key} + " must be an integer", &obj);
  return x.get<int64_t>();
}

/// `integer_at(obj, key)`, or `fallback` when `obj` has no `key`.
inline int64_t integer_or(const nlohmann::json& obj, const char* key,
                          int64_t fallback) {
  return obj.contains(key) ? integer_at(obj, key) : fallback;
}

} // namespace actodo::actors::domain
