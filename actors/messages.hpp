#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

namespace actodo::actors {

/// What a command does to a user's todos.
enum class command_op : uint8_t {
  create,
  update,
  /// Removes one todo.
  remove,
  /// Removes every todo of the user (Todo-Backend `DELETE /todos`).
  clear,
  /// Snoozes one reminder: body `{"reminder":n,"for":"PT10M"}` or
  /// `{"reminder":n,"until":"<RFC 3339>"}`.
  snooze,
  /// Dismisses one reminder: body `{"reminder":n}`.
  dismiss,
  /// Sent by the reminder scheduler: fire what is due on the todo and
  /// create the next occurrence of a passed `from_due` series.
  wake,
};

std::string to_string(command_op x);

/// A write, as the web layer (or a socket frame) hands it to the actors. The
/// body has already been checked for shape by the sender; the `todo_list`
/// validates it again before applying.
struct command {
  std::string user_id;
  std::string request_id;
  command_op op = command_op::create;
  /// The target todo for `update` and `remove`.
  std::string todo_id;
  /// JSON object text; empty for `remove` and `clear`.
  std::string body;
  /// Expected version (`If-Match`); -1 when not given.
  int64_t if_match = -1;
  /// `Idempotency-Key`, empty when not given.
  std::string idempotency_key;
};

/// The answer to every request the web layer makes: an HTTP-like status and
/// a JSON body, plus what the web layer needs for headers.
struct reply {
  int32_t status = 200;
  /// JSON text (todo, list, problem document, ...); empty means no body.
  std::string body;
  /// Set for command results.
  std::string request_id;
  /// `pending`, `done` or `failed` for command results.
  std::string state;
  /// The todo a command created or changed, for `Location`.
  std::string todo_id;
  /// Version of that todo, for `ETag`; 0 when none.
  int64_t version = 0;
  /// The stored outcome of an earlier command with the same idempotency
  /// key: nothing was applied and nothing was pushed to the sessions.
  bool replayed = false;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, command& x) {
  return f(caf::meta::type_name("command"), x.user_id, x.request_id, x.op,
           x.todo_id, x.body, x.if_match, x.idempotency_key);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, reply& x) {
  return f(caf::meta::type_name("reply"), x.status, x.body, x.request_id,
           x.state, x.todo_id, x.version, x.replayed);
}

} // namespace actodo::actors
