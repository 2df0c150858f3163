#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/domain/todo.hpp"
#include "actors/messages.hpp"
#include "persistence/records.hpp"

namespace actodo::actors {

/// The todos of one user as a `todo_list` holds them, plus its sequence
/// counter (the last sequence number handed out).
struct user_todos {
  std::string user_id;
  std::unordered_map<std::string, domain::todo> by_id;
  int64_t last_seq = 0;
};

/// The result of applying one command: the reply for the requester and the
/// records to commit. A rejected command has no events, only its request.
struct outcome {
  reply result;
  persistence::user_batch batch;
};

/// Validates and applies `cmd` to `todos`; on success `todos` changes and
/// the batch carries the events with the next sequence numbers. Plain C++:
/// no actors, no I/O.
/// A create beyond `max_todos` todos is rejected with 409.
outcome apply_command(user_todos& todos, const command& cmd, int64_t now_ms,
                      size_t max_todos = 10000);

/// What an `Idempotency-Key` is bound to: operation, target and body in
/// canonical form.
std::string command_fingerprint(const command& cmd);

/// A fresh random identifier such as `t_3f9c...` (96 random bits).
std::string new_id(std::string_view prefix);

/// Frames pushed to WebSocket sessions.
std::string result_frame(const reply& r);
std::string event_frame(const std::string& cloud_event_json);

/// The JSON body of a request outcome (`GET /api/v1/requests/{id}`).
std::string request_status_body(const persistence::request_record& r);

} // namespace actodo::actors
