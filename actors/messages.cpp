#include "actors/messages.hpp"

namespace actodo::actors {

std::string to_string(command_op x) {
  switch (x) {
    case command_op::create: return "create";
    case command_op::update: return "update";
    case command_op::remove: return "remove";
    case command_op::clear: return "clear";
    case command_op::snooze: return "snooze";
    case command_op::dismiss: return "dismiss";
    case command_op::wake: return "wake";
  }
  return "unknown";
}

} // namespace actodo::actors
