// libFuzzer target: WebSocket command frames.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/codec/command_body.hpp"
#include "web/command_frame.hpp"

using namespace actodo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  actors::command cmd;
  auto err = web::decode_command_frame(
    std::string_view{reinterpret_cast<const char*>(data), size}, cmd);
  if (err)
    return 0;
  // An accepted frame carries a valid request id and, for writes, a
  // canonical body that decodes again.
  if (!io::codec::valid_request_id(cmd.request_id))
    __builtin_trap();
  auto write = cmd.op == actors::command_op::create
               || cmd.op == actors::command_op::update;
  if (write) {
    nlohmann::json body;
    actors::domain::todo_patch patch;
    std::string canonical;
    if (io::codec::parse_client_json(cmd.canonical_body, body)
        || io::codec::decode_todo_body(
          body, cmd.op == actors::command_op::create, patch, canonical)
        || canonical != cmd.canonical_body)
      __builtin_trap();
  }
  return 0;
}
