#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

namespace actodo::persistence {

/// One event of a user's log: a CloudEvents 1.0 JSON document plus the
/// columns the store indexes.
struct event_record {
  int64_t seq = 0;
  std::string type;
  std::string todo_id;
  std::string json;
};

/// The durable outcome of one command: what `GET /api/v1/requests/{id}`
/// answers and what a repeated `Idempotency-Key` returns.
struct request_record {
  std::string request_id;
  /// `done` or `failed`.
  std::string state;
  int32_t status = 0;
  /// JSON body of the result (a todo, a problem document or `null`).
  std::string body;
  /// Empty when the client sent no `Idempotency-Key`.
  std::string idempotency_key;
  /// Fingerprint of the command the key was first used with (empty without
  /// a key).
  std::string fingerprint;
  int64_t created_ms = 0;
  /// The event whose data is `body` (0: none). The store then keeps only
  /// this reference and reads the body back from the event.
  int64_t body_seq = 0;
};

/// The current state of one todo after a command (`json` empty = deleted).
struct todo_record {
  std::string id;
  std::string json;
  /// When the reminder scheduler has to wake this todo (ms since the
  /// epoch); -1 when never.
  int64_t wake_at = -1;
};

/// One entry of the durable due-time index: a todo to wake at `at`.
struct wake_entry {
  int64_t at = 0;
  std::string user_id;
  std::string todo_id;
};

/// The partition epoch a batch was written under (cluster mode): the store
/// commits it only while it still holds that epoch for the partition.
/// Partition -1: not fenced (a node on its own).
struct partition_fence {
  int32_t partition = -1;
  int64_t epoch = 0;
};

/// Everything one command of one user writes; committed atomically together
/// with the other batches of the same group commit.
struct user_batch {
  std::string user_id;
  std::vector<event_record> events;
  std::vector<todo_record> todos;
  request_record request;
  partition_fence fence;
};

/// One committed event waiting in the Kafka outbox (`id` orders all users'
/// events by commit).
struct outbox_record {
  int64_t id = 0;
  std::string user_id;
  int64_t seq = 0;
  std::string type;
  std::string json;
};

/// What a `todo_list` loads when it starts.
struct user_snapshot {
  std::vector<std::string> todos;
  int64_t last_seq = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_record& x) {
  return f(caf::meta::type_name("event_record"), x.seq, x.type, x.todo_id,
           x.json);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_record& x) {
  return f(caf::meta::type_name("request_record"), x.request_id, x.state,
           x.status, x.body, x.idempotency_key, x.fingerprint, x.created_ms,
           x.body_seq);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, todo_record& x) {
  return f(caf::meta::type_name("todo_record"), x.id, x.json, x.wake_at);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, wake_entry& x) {
  return f(caf::meta::type_name("wake_entry"), x.at, x.user_id, x.todo_id);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_batch& x) {
  return f(caf::meta::type_name("user_batch"), x.user_id, x.events, x.todos,
           x.request, x.fence.partition, x.fence.epoch);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_record& x) {
  return f(caf::meta::type_name("outbox_record"), x.id, x.user_id, x.seq,
           x.type, x.json);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_snapshot& x) {
  return f(caf::meta::type_name("user_snapshot"), x.todos, x.last_seq);
}

} // namespace actodo::persistence
