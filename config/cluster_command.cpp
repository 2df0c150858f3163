#include "config/cluster_command.hpp"

#include <iostream>

#include "config/certificates.hpp"
#include "config/error.hpp"

namespace actodo::config {

namespace {

constexpr const char* usage = R"(usage: actodo cluster certs --out=DIR

Creates DIR (mode 0700) with a cluster CA (ca.pem, ca.key) and a node
certificate and key signed by it (node.pem, node.key; keys mode 0600).
Give every node the same files: --cluster.tls-dir=DIR. BASP between nodes
then accepts only peers that show a certificate of this CA. Existing files
are never overwritten.
)";

} // namespace

int run_cluster_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "certs") {
    std::cerr << usage;
    return 2;
  }
  std::string out;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].rfind("--out=", 0) == 0)
      out = args[i].substr(6);
    else if (args[i] == "--out" && i + 1 < args.size())
      out = args[++i];
    else {
      std::cerr << "actodo: unknown argument '" << args[i] << "'\n" << usage;
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "actodo: cluster certs needs --out=DIR\n" << usage;
    return 2;
  }
  if (auto err = generate_certificates(out)) {
    std::cerr << "actodo: " << describe(err) << '\n';
    return 1;
  }
  auto files = tls_files_in(out);
  std::cout << "actodo: wrote " << files.ca << ", " << out << "/ca.key, "
            << files.certificate << " and " << files.key
            << "\nactodo: start every node with --cluster.tls-dir=" << out
            << '\n';
  return 0;
}

} // namespace actodo::config
