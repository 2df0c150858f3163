#include "actors/messages.hpp"

namespace actodo::actors {

std::string to_string(command_op x) {
  switch (x) {
    case command_op::create: return "create";
    case command_op::update: return "update";
    case command_op::remove: return "remove";
    case command_op::clear: return "clear";
  }
  return "unknown";
}

} // namespace actodo::actors
