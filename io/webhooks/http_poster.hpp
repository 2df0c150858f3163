#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace actodo::io::webhooks {

/// One delivery: a POST of `body` to `url` with `headers`.
struct post_request {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/cloudevents+json";
  std::string body;
};

/// How a POST ended.
struct post_result {
  /// The receiver's HTTP status; 0 when none arrived.
  int32_t status = 0;
  /// The start of the response body, at most `max_body` bytes of valid
  /// UTF-8 (`printable_utf8`).
  std::string body;
  /// Empty when a status arrived; else what failed (refused address,
  /// resolve, connect, TLS, timeout).
  std::string error;
  int64_t latency_ms = 0;
};

struct poster_settings {
  /// For the whole exchange: resolve, connect, handshake, write, read.
  std::chrono::milliseconds timeout{10000};
  /// Deliver to loopback, private, link-local and multicast addresses.
  bool allow_private = false;
  /// Bytes of a response body kept in `post_result::body`.
  size_t max_body = 1024;
};

/// An asynchronous HTTP/1.1 client for webhook deliveries on a thread of
/// its own (Boost.Beast; `https` through OpenSSL, verified against the
/// system's CA store with the host name checked). Every address a host
/// resolves to is vetted before connecting (see `forbidden_address`), and
/// only vetted addresses are dialled, so a DNS answer cannot redirect a
/// delivery to a private address. Redirects are not followed. Callbacks
/// run on the poster's thread; many exchanges run at once, so a receiver
/// that never answers delays no other.
class http_poster {
 public:
  explicit http_poster(poster_settings cfg);
  ~http_poster();

  http_poster(const http_poster&) = delete;
  http_poster& operator=(const http_poster&) = delete;

  using post_callback = std::function<void(post_result)>;
  using vet_callback = std::function<void(std::string error)>;

  void post(post_request req, post_callback done);

  /// Checks that `url` parses and resolves only to addresses a delivery
  /// may reach; `done` gets an empty string when it does, else the reason.
  void vet(std::string url, vet_callback done);

  /// Stops the thread and joins it; callbacks of exchanges still running
  /// never run (at shutdown, after the actors that wait for them are
  /// gone). Called by the destructor.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actodo::io::webhooks
