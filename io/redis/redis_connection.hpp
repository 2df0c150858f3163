#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "io/redis/redis_reply.hpp"
#include "io/redis/redis_uri.hpp"

struct redisContext;

namespace actodo::io::redis {

/// One synchronous Redis connection (hiredis) that reconnects by itself.
/// It connects on first use and again on the first call after a failure
/// (the server restarted, the network dropped), with backoff between
/// attempts: 100 ms after the first failure, doubling up to 2 s, reset by
/// the next reply. Within the backoff every call fails at once with the
/// error of the last failure: `ec::unavailable` with a retry time. Each
/// (re)connect sends AUTH (when the endpoint has a password) and SELECT
/// (db != 0). Blocking and not thread-safe: one owner uses it.
class redis_connection {
 public:
  explicit redis_connection(redis_endpoint endpoint);
  redis_connection(redis_connection&&) noexcept;
  redis_connection& operator=(redis_connection&&) noexcept;
  ~redis_connection();

  /// Sets the connect and I/O timeout (default 1 s); applies to the
  /// current connection too.
  void timeout(std::chrono::milliseconds value);

  std::chrono::milliseconds timeout() const noexcept {
    return timeout_;
  }

  /// Runs one command (binary-safe arguments, `argv[0]` is the command).
  /// An error reply anywhere in the reply is `ec::store_failure` with the
  /// server's text; a lost or unreachable server is `ec::unavailable`.
  caf::expected<redis_reply> command(const std::vector<std::string>& argv);

  /// Sends all commands in one round trip and reads all replies, in order.
  /// The first error reply fails the whole call with `ec::store_failure`
  /// (the other commands did run: wrap them in MULTI/EXEC or a script
  /// when that matters).
  caf::expected<std::vector<redis_reply>>
  pipeline(const std::vector<std::vector<std::string>>& commands);

  /// Counts successful (re)connects: when it changed, the server may have
  /// restarted and lost what the caller stored (re-register it).
  uint64_t generation() const noexcept {
    return generation_;
  }

  /// Whether a connection is open (it may still have broken unnoticed).
  bool connected() const noexcept {
    return ctx_ != nullptr;
  }

  const redis_endpoint& endpoint() const noexcept {
    return endpoint_;
  }

 private:
  struct free_context {
    void operator()(redisContext* ctx) const noexcept;
  };

  /// Connects when there is no connection and the backoff allows.
  caf::error ensure();
  caf::error open();
  /// Closes the connection after a failure of `what` (hiredis's error).
  caf::error broken(const std::string& what);
  /// Starts (or extends) the backoff; the error every call gets until it
  /// ends.
  caf::error unavailable(const std::string& why);
  /// The error for the first error reply in `replies`, if any.
  caf::error check(const std::vector<std::vector<std::string>>& commands,
                   const std::vector<redis_reply>& replies);

  redis_endpoint endpoint_;
  std::unique_ptr<redisContext, free_context> ctx_;
  std::chrono::milliseconds timeout_{1000};
  uint64_t generation_ = 0;
  std::string last_failure_;
  std::chrono::steady_clock::time_point next_attempt_;
  std::chrono::milliseconds backoff_{0};
};

/// The backoff after a failure when the previous one was `previous` (0:
/// none): 100 ms, doubling up to 2 s.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous);

} // namespace actodo::io::redis
