#pragma once

#include <string>

#include "caf/error.hpp"
#include "caf/expected.hpp"

namespace actodo::config {

/// The PEM files of one mutually authenticated TLS endpoint: the CA that
/// signs every peer, this node's certificate and its private key.
struct tls_files {
  std::string ca;
  std::string certificate;
  std::string key;
};

/// The file names inside a generated directory: `ca.pem`, `node.pem`,
/// `node.key` (plus `ca.key`, kept to sign further node certificates).
tls_files tls_files_in(const std::string& dir);

/// Creates `dir` (mode 0700) holding a fresh CA (EC P-256, `ca.pem`,
/// `ca.key`) and a node certificate and key signed by it (`node.pem`,
/// `node.key`) for both TLS server and client use. Every file is created
/// with `O_EXCL` and mode 0600 whatever the umask; nothing is overwritten.
caf::error generate_certificates(const std::string& dir);

/// Returns the files in `dir`, generating them first when the directory
/// holds none of them. A partial set, or a key readable by group or others,
/// is an error.
caf::expected<tls_files> ensure_certificates(const std::string& dir);

/// Reads the three files and checks that the key belongs to the certificate
/// and that the CA signed it, so a bad file fails at start and not later in
/// CAF's I/O thread.
caf::error check_certificates(const tls_files& files);

} // namespace actodo::config
