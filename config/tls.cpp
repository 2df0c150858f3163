#include "config/tls.hpp"

#include <sys/stat.h>

#include "caf/openssl/manager.hpp"
#include "caf/sec.hpp"

namespace actodo::config {

std::string tls_dir(const std::string& data_dir) {
  return data_dir + "/tls";
}

caf::expected<tls_files> resolve_tls(const tls_options& opts, bool generate) {
  auto given = !opts.certificate.empty() + !opts.key.empty() + !opts.ca.empty();
  if (given == 3) {
    tls_files files{opts.ca, opts.certificate, opts.key};
    if (auto err = check_certificates(files))
      return err;
    return files;
  }
  if (given != 0)
    return caf::make_error(caf::sec::invalid_argument,
                           "give all of --admin-tls-cert, --admin-tls-key and "
                           "--admin-tls-ca, or none of them");
  auto dir = tls_dir(opts.data_dir);
  if (generate)
    return ensure_certificates(dir);
  struct stat st {};
  if (::stat(tls_files_in(dir).certificate.c_str(), &st) != 0)
    return caf::make_error(caf::sec::invalid_argument,
                           "no TLS certificate in " + dir
                             + ": point --data-dir at the node's data "
                               "directory or pass --admin-tls-cert, "
                               "--admin-tls-key and --admin-tls-ca");
  auto files = tls_files_in(dir);
  if (auto err = check_certificates(files))
    return err;
  return files;
}

void enable_tls(caf::actor_system_config& cfg, const tls_files& files) {
  cfg.openssl_certificate = files.certificate;
  cfg.openssl_key = files.key;
  cfg.openssl_cafile = files.ca;
  cfg.load<caf::openssl::manager>();
}

} // namespace actodo::config
