#pragma once

// Encodes what the actors answer, typed, into HTTP responses and WebSocket
// frames: the edge's half of the command protocol.

#include <string>
#include <vector>

#include "caf/fwd.hpp"

#include "actors/account_messages.hpp"
#include "actors/domain/todo.hpp"
#include "actors/messages.hpp"
#include "persistence/records.hpp"
#include "web/http_types.hpp"

namespace actodo::web {

/// The status an outcome is answered with (the status table of the stored
/// records, so a replay answers exactly as the first time).
int status_of(const actors::command_outcome& x);

/// The encoded body of an outcome: the todo, a problem document, or empty.
std::string body_of(const actors::command_outcome& x);

/// The HTTP form of an outcome (`Prefer: wait`, errors).
http_response response_of(const actors::command_outcome& x);

/// A request the actors refused or could not answer: the project's codes
/// map to 404 (`not_found`), 400 (`invalid_field`), 422 (`too_expensive`),
/// 429 (`busy`, `throttled`), 409 (`limit_exceeded`, `conflict`), 403
/// (`forbidden`), 401 (`unauthorized`); a timeout is 504, anything else
/// (`unavailable`, `store_failure`, ...) 503. The problem document names
/// the field the error carries. An error that says when to retry
/// (`retry_after`) gets a `Retry-After` header and a `retry_after` member;
/// any other 429 or 503 `Retry-After: 1`.
http_response response_of(const caf::error& err);

/// `{"id":...,"username":...,"created_at":...}`.
std::string encode(const actors::account_info& x);

/// `{"access_token":...,"token_type":"Bearer","expires_in":...,
/// "refresh_token":...}`, the access token being the claims signed with
/// `key` (web/jwt.hpp).
std::string encode(const actors::token_pair& x, std::string_view key);

/// The JSON of one todo.
std::string encode(const actors::domain::todo& t);

/// A 200 response with a JSON body.
http_response json_response(std::string body);

/// `{"items":[...],"next_cursor":...}`, the cursor encoding the page's
/// `next` position under the query's `sort`.
std::string encode(const actors::todo_page& page,
                   const std::vector<actors::domain::sort_key>& sort);

/// `{"items":[{"due":...},...]}`.
std::string encode(const actors::occurrence_list& xs);

/// `{"items":[<event>,...]}`.
std::string encode(const std::vector<persistence::event_record>& events);

/// `{"type":"result",...}` for one client (a replayed result).
std::string result_frame(const actors::command_outcome& x);

/// `{"type":"error","request_id":...,"status":...,"problem":{...}}`.
std::string error_frame(const std::string& request_id, int status,
                        const std::string& problem_json);

} // namespace actodo::web
