#pragma once

#include <string>

#include "caf/actor_system_config.hpp"
#include "caf/expected.hpp"

#include "config/certificates.hpp"

namespace actodo::config {

/// Where the TLS files of a BASP endpoint come from: given files (all three
/// or none) or the directory `<data-dir>/tls`.
struct tls_options {
  std::string certificate;
  std::string key;
  std::string ca;
  std::string data_dir;
};

/// The directory generated files live in: `<data-dir>/tls`.
std::string tls_dir(const std::string& data_dir);

/// The files to use: the given ones, checked, else those in
/// `tls_dir(data_dir)`; `generate` creates them there when missing (the
/// node), otherwise missing files are an error (the console).
caf::expected<tls_files> resolve_tls(const tls_options& opts, bool generate);

/// Loads libcaf_openssl's manager into `cfg` with `files`, which makes
/// `caf::openssl::remote_actor` (the console) present the certificate and
/// require one signed by the CA from the node (SSL_VERIFY_PEER |
/// SSL_VERIFY_FAIL_IF_NO_PEER_CERT). Call before the actor system is
/// constructed. (The node's side is `io::tls_relay`: libcaf_openssl 0.17.6
/// as a server busy-loops while a handshake is pending.)
void enable_tls(caf::actor_system_config& cfg, const tls_files& files);

} // namespace actodo::config
