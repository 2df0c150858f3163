#pragma once

#include <optional>
#include <string>

#include "actors/messages.hpp"
#include "io/kafka_client.hpp"
#include "persistence/records.hpp"

namespace actodo::io {

/// A consumed Kafka record, copied out of librdkafka.
struct kafka_record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  header_list headers;

  /// The value of the last header called `name`, if any.
  const std::string* header(std::string_view name) const;
};

/// Why a command record was rejected: a detail and the offending field
/// (a header such as `ce_type`, `key`, or a path into the data).
struct record_error {
  std::string detail;
  std::string field;
};

/// Decodes a command record (CloudEvents Kafka binding, binary mode with
/// `ce_` headers or structured mode `application/cloudevents+json`) of
/// type `actodo.command.create|update|delete|complete`; key = user id,
/// `subject` = todo id, data = the todo JSON, optional extension `ifmatch`.
/// `request_id` is the event id, the idempotency key `kafka:<id>` (or the
/// `actodo_idempotency_key` header the HTTP gateway sets).
std::optional<record_error> parse_command_record(const kafka_record& rec,
                                                 actors::command& out);

/// A record to produce.
struct outgoing {
  std::string value;
  header_list headers;
};

/// An event of the log as a CloudEvents Kafka record (`binary`: `ce_`
/// headers and the data as value; otherwise structured).
outgoing event_message(const persistence::outbox_record& ev,
                       const std::string& mode);

/// The result of a command for the reply topic: value
/// `{"request_id","status","body"}`, CloudEvents headers, and the
/// correlation headers of the command copied.
outgoing result_message(const kafka_record& cmd,
                        const actors::command_outcome& x);

/// The topic a command's result goes to: the `kafka_replyTopic` or
/// `ce_replytopic` header, else `fallback`.
std::string reply_topic(const kafka_record& cmd, const std::string& fallback);

/// A command as a CloudEvents record (binary mode), for the HTTP gateway.
outgoing command_message(const actors::command& cmd);

} // namespace actodo::io
