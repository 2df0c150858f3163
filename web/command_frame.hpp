#pragma once

#include <optional>
#include <string_view>

#include "actors/domain/validation.hpp"
#include "actors/messages.hpp"

namespace actodo::web {

/// Decodes a WebSocket command frame:
/// `{"type":"command","request_id":"...","op":"create|update|delete|
///   snooze|dismiss","id":"...","body":{...},"if_match":N}`.
/// Fills `out` (except `user_id`); a missing request id is generated, a
/// client-chosen one doubles as idempotency key (`ws:<request_id>`). On
/// failure the error names the field (`out.request_id` is set when the
/// frame had a valid one).
std::optional<actors::domain::field_error>
decode_command_frame(std::string_view text, actors::command& out);

} // namespace actodo::web
