// libFuzzer target: an HTTP write as the web layer decodes it (headers and
// body) and, when accepted, applied to a user's todos.
#include <cstddef>
#include <cstdint>
#include <string>

#include "actors/apply.hpp"
#include "io/codec/command_body.hpp"
#include "web/preconditions.hpp"

using namespace actodo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  // First byte: operation and which headers to set; then three
  // NUL-separated header values and the body.
  auto flags = data[0];
  std::string rest{reinterpret_cast<const char*>(data + 1), size - 1};
  std::string parts[4];
  size_t idx = 0;
  for (auto c : rest) {
    if (c == '\0' && idx < 3)
      ++idx;
    else
      parts[idx] += c;
  }
  web::http_request req;
  req.method = "POST";
  if (flags & 1)
    req.headers.emplace_back("if-match", parts[0]);
  if (flags & 2)
    req.headers.emplace_back("prefer", parts[1]);
  if (flags & 4)
    req.headers.emplace_back("idempotency-key", parts[2]);
  req.body = parts[3];
  auto op = (flags & 8) ? actors::command_op::update
                        : actors::command_op::create;
  web::write_options opts;
  if (web::read_write_options(req, true, opts))
    return 0; // Refused with a problem: fine.
  static actors::user_todos todos = [] {
    actors::user_todos x;
    x.user_id = "fuzz";
    return x;
  }();
  actors::command cmd;
  cmd.user_id = "fuzz";
  cmd.request_id = "r";
  cmd.op = op;
  cmd.if_match = opts.if_match;
  // The router's one parse of the body (router::prepare).
  nlohmann::json body;
  if (io::codec::parse_client_json(req.body, body)
      || io::codec::decode_todo_body(body, op == actors::command_op::create,
                                     cmd.patch, cmd.canonical_body))
    return 0; // Refused with a problem naming the field: fine.
  if (op == actors::command_op::update && !todos.by_id.empty())
    cmd.todo_id = todos.by_id.begin()->first;
  auto out = actors::apply_command(todos, cmd, 1700000000000, 50);
  if (todos.by_id.size() >= 50) {
    todos = actors::user_todos{};
    todos.user_id = "fuzz";
  }
  // Keeps the result alive.
  return out.result.code == actors::outcome_code::accepted ? 1 : 0;
}
