#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "config/certificates.hpp"

namespace actodo::io {

/// Where and how the relay listens.
struct tls_relay_settings {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  config::tls_files files;
  /// The Unix domain socket an authenticated peer is relayed to.
  std::string target;
  /// Connections at once (handshaking or relaying); more are closed at once.
  size_t max_connections = 64;
  /// A peer that has not finished the TLS handshake by then is dropped.
  std::chrono::seconds handshake_timeout{10};
};

/// The TLS front of a BASP endpoint (libcaf_openssl 0.17.6 as a server
/// creates an SSL_CTX per connection, ~75 KiB, and busy-loops while a
/// handshake is pending). It accepts TCP, requires a client certificate
/// signed by the CA (TLS 1.2+), and only then connects to `target` and
/// relays bytes both ways. Before that a peer holds a socket and an SSL
/// object (a few KiB) for at most `handshake_timeout`, and nothing it sends
/// reaches BASP. One thread (Boost.Asio).
class tls_relay {
 public:
  explicit tls_relay(tls_relay_settings settings);

  ~tls_relay();

  tls_relay(const tls_relay&) = delete;
  tls_relay& operator=(const tls_relay&) = delete;

  /// Binds and starts the thread; false with `error` set on failure.
  bool start(std::string& error);

  /// The bound port (after `start`).
  uint16_t port() const;

  /// Closes every connection and joins the thread.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actodo::io
