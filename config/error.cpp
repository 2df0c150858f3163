#include "config/error.hpp"

namespace actodo {

std::string to_string(ec x) {
  switch (x) {
    case ec::none: return "none";
    case ec::store_failure: return "store_failure";
    case ec::sequence_gap: return "sequence_gap";
    case ec::not_found: return "not_found";
    case ec::shutting_down: return "shutting_down";
    case ec::timeout: return "timeout";
    case ec::conflict: return "conflict";
    case ec::limit_exceeded: return "limit_exceeded";
    case ec::forbidden: return "forbidden";
  }
  return "unknown";
}

std::string describe(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    return ctx.get_as<std::string>(0);
  return caf::to_string(err);
}

} // namespace actodo
