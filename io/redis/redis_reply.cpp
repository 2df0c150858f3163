#include "io/redis/redis_reply.hpp"

#include <hiredis/hiredis.h>

namespace actodo::io::redis {

std::string to_string(reply_kind x) {
  switch (x) {
    case reply_kind::nil: return "nil";
    case reply_kind::integer: return "integer";
    case reply_kind::string: return "string";
    case reply_kind::status: return "status";
    case reply_kind::array: return "array";
    case reply_kind::error: return "error";
  }
  return "unknown";
}

redis_reply to_reply(const redisReply* reply) {
  redis_reply result;
  if (reply == nullptr)
    return result;
  auto text = [reply] { return std::string{reply->str, reply->len}; };
  switch (reply->type) {
    case REDIS_REPLY_NIL: break;
    case REDIS_REPLY_INTEGER:
      result.kind = reply_kind::integer;
      result.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
      result.kind = reply_kind::string;
      result.text = text();
      break;
    case REDIS_REPLY_STATUS:
      result.kind = reply_kind::status;
      result.text = text();
      break;
    case REDIS_REPLY_ERROR:
      result.kind = reply_kind::error;
      result.text = text();
      break;
    case REDIS_REPLY_ARRAY:
      result.kind = reply_kind::array;
      result.elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i)
        result.elements.push_back(to_reply(reply->element[i]));
      break;
    default:
      result.kind = reply_kind::error;
      result.text = "unknown reply type " + std::to_string(reply->type);
  }
  return result;
}

const redis_reply* find_error(const redis_reply& reply) {
  if (reply.is_error())
    return &reply;
  for (auto& element : reply.elements)
    if (auto found = find_error(element))
      return found;
  return nullptr;
}

} // namespace actodo::io::redis
