#pragma once

#include <string>

namespace actodo::actors::auth {

/// The HS256 key: `configured` when given, else the first line of `file`
/// when given, else `<data_dir>/jwt-secret`, created on first use with 32
/// random bytes (base64url) and mode 0600. Returns an empty string and sets
/// `error` when the key cannot be had.
std::string load_secret(const std::string& configured, const std::string& file,
                        const std::string& data_dir, std::string& error,
                        const std::string& name = "jwt-secret");

} // namespace actodo::actors::auth
