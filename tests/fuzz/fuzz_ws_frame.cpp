// libFuzzer target: WebSocket command frames.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/command_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  actodo::actors::command cmd;
  auto status = actodo::actors::parse_command_frame(
    std::string_view{reinterpret_cast<const char*>(data), size}, cmd);
  // An accepted frame must carry a valid request id and, for writes, a body
  // that passes the schema again.
  if (status.ok) {
    if (!actodo::actors::valid_request_id(cmd.request_id))
      __builtin_trap();
    if (cmd.op != actodo::actors::command_op::remove
        && !actodo::actors::check_todo_body(
              cmd.body, cmd.op == actodo::actors::command_op::create)
              .ok)
      __builtin_trap();
  }
  return 0;
}
