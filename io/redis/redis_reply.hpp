#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct redisReply;

namespace actodo::io::redis {

/// What a Redis reply is (RESP2).
enum class reply_kind : uint8_t { nil, integer, string, status, array, error };

std::string to_string(reply_kind x);

/// One reply of the server as a plain value (a tree for arrays).
struct redis_reply {
  reply_kind kind = reply_kind::nil;
  /// The value of an `integer` reply.
  int64_t integer = 0;
  /// The bytes of a `string`, `status` or `error` reply.
  std::string text;
  /// The elements of an `array` reply.
  std::vector<redis_reply> elements;

  bool is_nil() const noexcept {
    return kind == reply_kind::nil;
  }

  bool is_error() const noexcept {
    return kind == reply_kind::error;
  }
};

/// Copies hiredis's reply tree into a value; `nullptr` becomes nil.
redis_reply to_reply(const redisReply* reply);

/// The first error reply in `reply` (itself or, depth first, one of its
/// elements, e.g. a failed command inside `EXEC`); `nullptr` when none.
const redis_reply* find_error(const redis_reply& reply);

} // namespace actodo::io::redis
