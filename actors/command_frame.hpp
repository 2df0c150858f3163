#pragma once

#include <string>
#include <string_view>

#include "actors/messages.hpp"

namespace actodo::actors {

/// The verdict on a client-supplied command: ok, or a status with an RFC
/// 9457 problem document naming the offending field.
struct decode_status {
  bool ok = true;
  int status = 200;
  std::string problem;
};

/// Deepest nesting of arrays and objects accepted in client JSON.
inline constexpr int max_json_depth = 32;

/// Whether `json_text` nests arrays/objects at most `max_depth` deep (a
/// linear scan before parsing; malformed text is left to the parser).
bool within_depth(std::string_view json_text, int max_depth);

/// Checks a request id chosen by a client: 1-128 characters of
/// `[A-Za-z0-9._:-]`.
bool valid_request_id(std::string_view id);

/// Checks the body of a create (`create == true`) or update command: a JSON
/// object that satisfies the todo schema. Plain C++.
decode_status check_todo_body(std::string_view body, bool create);

/// Checks the body of a snooze (`snooze == true`) or dismiss command
/// (`{"reminder":n,"for"|"until":...}`, see `domain::parse_reminder_action`)
/// against the current time. Plain C++.
decode_status check_reminder_body(std::string_view body, bool snooze);

/// Decodes a WebSocket command frame:
/// `{"type":"command","request_id":"...","op":"create|update|delete",
///   "id":"...","body":{...},"if_match":N}`.
/// Fills `out` (except `user_id`); a missing request id is generated, a
/// client-chosen one doubles as idempotency key (`ws:<request_id>`).
decode_status parse_command_frame(std::string_view text, command& out);

} // namespace actodo::actors
