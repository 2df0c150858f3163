#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "caf/actor_system.hpp"
#include "caf/expected.hpp"
#include "caf/io/middleman_actor.hpp"

#include "config/certificates.hpp"

namespace actodo::io::cluster {

/// The client side of the cluster's mutual TLS, so that every BASP link of
/// a node runs in CAF's plain middleman (one BASP broker per node; incoming
/// links arrive through the `tls_relay`). libcaf_openssl 0.17.6 is not
/// used: it never clears OpenSSL's per-thread error queue, so one link
/// failing makes the next read of another link on the same thread fail too
/// (both survivors dropped their link when a third node went away).
///
/// `dial` connects to a peer's endpoint, completes the TLS handshake with
/// this node's certificate (the peer's must be signed by the cluster CA),
/// and returns one end of a socket pair whose other end it relays to the
/// peer. One thread (Boost.Asio) for all links.
class tls_dialer {
 public:
  explicit tls_dialer(config::tls_files files,
                      std::chrono::seconds timeout = std::chrono::seconds(10));

  ~tls_dialer();

  tls_dialer(const tls_dialer&) = delete;
  tls_dialer& operator=(const tls_dialer&) = delete;

  /// Loads the files and starts the thread.
  caf::error start();

  /// Blocks until the link is up (the local socket) or failed (at most the
  /// timeout).
  caf::expected<int> dial(const std::string& host, uint16_t port);

  /// Closes every link and joins the thread.
  void stop();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

/// A middleman actor of the plain BASP broker whose `connect` dials through
/// `dialer`: `request(it, connect_atom, host, port)` as with CAF's own.
caf::io::middleman_actor
spawn_tls_connector(caf::actor_system& sys, std::shared_ptr<tls_dialer> dialer);

} // namespace actodo::io::cluster
