#pragma once

#include <string>
#include <vector>

namespace actodo::config {

/// `actodo cluster certs --out=DIR`: writes a cluster CA (`ca.pem`,
/// `ca.key`) and a node certificate and key signed by it (`node.pem`,
/// `node.key`; keys mode 0600) that every node reads with
/// `--cluster.tls-dir=DIR`. Never overwrites a file. Returns the exit code:
/// 0 done, 1 the files could not be written, 2 bad arguments.
int run_cluster_command(const std::vector<std::string>& args);

} // namespace actodo::config
