#pragma once

#include <string>
#include <string_view>

namespace actodo::actors {

/// A command frame that names its `request_id` is idempotent under the key
/// `frame_key(request_id)`; REST writes use their `Idempotency-Key` as is.
inline constexpr std::string_view frame_key_prefix = "ws:";

inline std::string frame_key(std::string_view request_id) {
  return std::string{frame_key_prefix}.append(request_id);
}

/// Whether `key` came from a command frame (it then repeats the request id).
inline bool is_frame_key(std::string_view key) {
  return key.substr(0, frame_key_prefix.size()) == frame_key_prefix;
}

} // namespace actodo::actors
