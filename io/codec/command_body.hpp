#pragma once

// Decoding of command bodies, shared by every edge that accepts commands
// (HTTP, WebSocket frames, Kafka records): each body is parsed once into a
// domain patch or reminder action plus its canonical text. The actors see
// only the decoded values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/domain/reminder_action.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::io::codec {

using actors::domain::field_error;
using actors::domain::reminder_action;
using actors::domain::todo_patch;

/// Deepest nesting of arrays and objects accepted in client JSON.
inline constexpr int max_json_depth = 32;

/// Whether `json_text` nests arrays/objects at most `max_depth` deep (a
/// linear scan before parsing; malformed text is left to the parser).
bool within_depth(std::string_view json_text, int max_depth);

/// Checks a request id chosen by a client: 1-128 characters of
/// `[A-Za-z0-9._:-]`.
bool valid_request_id(std::string_view id);

/// Parses JSON text from a client: nesting limit, then the parser. The
/// error names no field (the whole body is wrong).
std::optional<field_error> parse_client_json(std::string_view text,
                                             nlohmann::json& out);

/// The canonical text of a parsed body (sorted keys, no white space): what
/// an idempotency fingerprint is computed from.
std::string canonical(const nlohmann::json& body);

/// A parsed todo body for a create (`create`) or update: the patch and its
/// canonical text. `prefix` goes before the field of an error
/// (`body/title` for a WebSocket frame).
std::optional<field_error>
decode_todo_body(const nlohmann::json& body, bool create, todo_patch& patch,
                 std::string& canonical_text, std::string_view prefix = {});

/// A parsed snooze (`snooze`) or dismiss body `{"reminder":n,...}` against
/// the current time, with its canonical text.
std::optional<field_error>
decode_reminder_body(const nlohmann::json& body, bool snooze, int64_t now_ms,
                     reminder_action& action, std::string& canonical_text,
                     std::string_view prefix = {});

} // namespace actodo::io::codec
