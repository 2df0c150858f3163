#pragma once

// The Lua scripts of `cluster_registry` (EVAL). Times are the Redis
// server's clock (TIME), in ms since the epoch; TTLs come from the client.

namespace actodo::io::redis::scripts {

/// Defines `now` (a number) and `now_ms` (its decimal text).
#define ACTODO_REDIS_NOW                                                    \
  "local t = redis.call('TIME')\n"                                          \
  "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n" \
  "local now_ms = string.format('%d', now)\n"

/// KEYS: the node's hash, the index. ARGV: id, ttl, field/value pairs.
inline constexpr const char* put_node = ACTODO_REDIS_NOW
  "redis.call('DEL', KEYS[1])\n"
  "redis.call('HSET', KEYS[1], unpack(ARGV, 3))\n"
  "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
  "redis.call('ZADD', KEYS[2], string.format('%d', now + tonumber(ARGV[2])),"
  " ARGV[1])\n"
  "return 1\n";

/// KEYS: the index. Drops the expired entries, returns the live ids.
inline constexpr const char* live_nodes = ACTODO_REDIS_NOW
  "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)\n"
  "return redis.call('ZRANGE', KEYS[1], 0, -1)\n";

/// Compares two epochs as decimal text (exact beyond 2^53).
#define ACTODO_REDIS_LOWER                  \
  "local function lower(a, b)\n"            \
  "  if #a ~= #b then return #a < #b end\n" \
  "  return a < b\n"                        \
  "end\n"

/// KEYS: the owners hash. ARGV: partition, epoch, value, channel, message.
/// 1 when written (and published), 0 when the stored epoch is not lower.
inline constexpr const char* put_owner = ACTODO_REDIS_LOWER
  "local cur = redis.call('HGET', KEYS[1], ARGV[1])\n"
  "if cur then\n"
  "  local epoch = string.match(cur, '^(%d+) ')\n"
  "  if epoch and not lower(epoch, ARGV[2]) then return 0 end\n"
  "end\n"
  "redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])\n"
  "redis.call('PUBLISH', ARGV[4], ARGV[5])\n"
  "return 1\n";

/// KEYS: the owners hash. ARGV: partition, epoch, channel, message.
/// 1 when cleared (and published), 0 when there is no owner, the stored
/// value when another epoch holds the partition.
inline constexpr const char* clear_owner
  = "local cur = redis.call('HGET', KEYS[1], ARGV[1])\n"
    "if not cur then return 0 end\n"
    "if string.match(cur, '^(%d+) ') ~= ARGV[2] then return cur end\n"
    "redis.call('HDEL', KEYS[1], ARGV[1])\n"
    "redis.call('PUBLISH', ARGV[3], ARGV[4])\n"
    "return 1\n";

/// KEYS: one presence zset per user. ARGV: node, ttl, then the sessions
/// per user (0: remove the node). Drops expired members; the key expires
/// with its last member.
inline constexpr const char* put_presence = ACTODO_REDIS_NOW
  "local expiry = string.format('%d', now + tonumber(ARGV[2]))\n"
  "for i, key in ipairs(KEYS) do\n"
  "  if tonumber(ARGV[i + 2]) > 0 then\n"
  "    redis.call('ZADD', key, expiry, ARGV[1])\n"
  "  else\n"
  "    redis.call('ZREM', key, ARGV[1])\n"
  "  end\n"
  "  redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms)\n"
  "  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')\n"
  "  if last[2] then redis.call('PEXPIREAT', key, last[2]) end\n"
  "end\n"
  "return #KEYS\n";

/// KEYS: the user's presence zset. The nodes whose entry has not expired.
inline constexpr const char* presence = ACTODO_REDIS_NOW
  "return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now_ms, '+inf')\n";

#undef ACTODO_REDIS_NOW
#undef ACTODO_REDIS_LOWER

} // namespace actodo::io::redis::scripts
