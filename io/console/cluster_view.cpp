#include <unistd.h>

#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/console/inspector.hpp"
#include "io/console/render.hpp"

namespace actodo::io::console {

namespace {

using nlohmann::json;

json to_json(const actors::node_info& x) {
  return json{{"id", x.id},
              {"address", x.address},
              {"partitions", x.partitions},
              {"users", x.users},
              {"sessions", x.sessions},
              {"since", actors::domain::format_rfc3339_ms(x.since_ms)}};
}

/// One line per node for people.
std::string node_lines(const std::vector<actors::node_info>& nodes) {
  std::string out;
  for (auto& x : nodes) {
    std::string parts;
    for (auto p : x.partitions)
      parts += (parts.empty() ? "" : ",") + std::to_string(p);
    out += x.id + "  " + x.address + "  partitions [" + parts + "]  users "
           + std::to_string(x.users) + "  sessions "
           + std::to_string(x.sessions) + "  since "
           + actors::domain::format_rfc3339_ms(x.since_ms) + "\n";
  }
  return out;
}

} // namespace

caf::result<std::string> inspector_state::nodes_view(bool as_json) {
  if (!cluster)
    return render(json{{"nodes", json::array({json{{"pid", ::getpid()},
                                                   {"uptime_s", uptime()}}})}},
                  as_json);
  auto rp = self->make_response_promise<std::string>();
  self->request(cluster, timeout, atom::nodes::value)
    .then(
      [rp, as_json](std::vector<actors::node_info>& nodes) mutable {
        if (!as_json) {
          rp.deliver(node_lines(nodes));
          return;
        }
        auto items = json::array();
        for (auto& x : nodes)
          items.push_back(to_json(x));
        rp.deliver(json{{"nodes", std::move(items)}}.dump());
      },
      [rp, as_json](caf::error& err) mutable {
        rp.deliver(fail(describe(err), as_json));
      });
  return rp;
}

} // namespace actodo::io::console
