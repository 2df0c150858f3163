#pragma once

// What the edges do around the actors, for the tests: decode a JSON body
// into a command, and read an outcome as its stored (HTTP) form.

#include <string>

#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "actors/messages.hpp"
#include "actors/record_codec.hpp"
#include "io/codec/command_body.hpp"

namespace actodo::test {

/// Fills the patch or reminder action of `cmd` from JSON `body` as an edge
/// would; a body that does not decode is a mistake in the test.
inline void set_body(actors::command& cmd, const std::string& body,
                     int64_t now_ms = actors::domain::now_ms()) {
  if (body.empty())
    return;
  auto doc = nlohmann::json::parse(body);
  std::optional<actors::domain::field_error> err;
  using actors::command_op;
  if (cmd.op == command_op::snooze || cmd.op == command_op::dismiss)
    err = io::codec::decode_reminder_body(doc, cmd.op == command_op::snooze,
                                          now_ms, cmd.action,
                                          cmd.canonical_body);
  else
    err = io::codec::decode_todo_body(doc, cmd.op == command_op::create,
                                      cmd.patch, cmd.canonical_body);
  if (err)
    throw std::runtime_error("test body does not decode: " + err->field + ": "
                             + err->detail);
}

/// The status an outcome is stored and answered with.
inline int status(const actors::command_outcome& x) {
  return actors::records::status_of(x.code);
}

/// The body an outcome is stored and answered with (JSON text).
inline std::string body(const actors::command_outcome& x) {
  return actors::records::body_of(x);
}

} // namespace actodo::test

namespace actodo::test {

/// An outcome as a client sees it.
struct answer {
  int status = 0;
  std::string state;
  std::string body;
  std::string request_id;
  std::string todo_id;
  int64_t version = 0;
  bool replayed = false;
};

inline answer view(const actors::command_outcome& x) {
  return {status(x), actors::state_of(x), body(x),   x.request_id,
          x.todo_id, x.version,           x.replayed};
}

} // namespace actodo::test
