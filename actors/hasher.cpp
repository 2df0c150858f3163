#include "actors/hasher.hpp"

#include <stdexcept>

#include "actors/auth/password.hpp"
#include "config/error.hpp"

namespace actodo::actors {

hasher_actor::behavior_type hasher(hasher_actor::pointer, size_t) {
  return {
    [](atom::hash, const std::string& password) -> caf::result<std::string> {
      try {
        return auth::hash_password(password);
      } catch (const std::exception& e) {
        return caf::make_error(ec::limit_exceeded,
                               std::string{"cannot hash: "} + e.what());
      }
    },
    [](atom::verify, const std::string& password, const std::string& stored) {
      return auth::verify_password(password, stored);
    },
  };
}

} // namespace actodo::actors
