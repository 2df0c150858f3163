#pragma once

#include <set>
#include <string>

#include "caf/actor_cast.hpp"
#include "caf/actor_control_block.hpp"
#include "caf/actor_system.hpp"
#include "caf/error.hpp"

namespace actodo::io {

/// Publishes `whom` over BASP on a Unix domain socket at `path` (mode 0600,
/// a stale socket file is replaced): only processes of the node's user can
/// connect. The TLS relay is its one intended client; CAF's BASP broker
/// accepts from this socket as it would from a TCP port.
caf::error publish_local(caf::actor_system& sys, caf::strong_actor_ptr whom,
                         std::set<std::string> sigs, const std::string& path);

template<class Handle>
caf::error publish_local(const Handle& whom, const std::string& path) {
  auto& sys = whom.home_system();
  return publish_local(sys, caf::actor_cast<caf::strong_actor_ptr>(whom),
                       sys.message_types(whom), path);
}

} // namespace actodo::io
