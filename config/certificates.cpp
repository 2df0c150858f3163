#include "config/certificates.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caf/sec.hpp"

namespace actodo::config {

namespace {

template<class T, void (*Free)(T*)>
struct deleter {
  void operator()(T* ptr) const {
    Free(ptr);
  }
};

using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;

/// Validity of generated certificates: ten years (rotate by removing the
/// directory, or give certificates by option).
constexpr long validity_days = 3650;

caf::error fail(std::string msg) {
  if (auto code = ERR_get_error(); code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    msg += std::string{" ("} + buf + ")";
    ERR_clear_error();
  }
  return caf::make_error(caf::sec::invalid_argument, std::move(msg));
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  auto ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr)
    return false;
  auto ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

/// A certificate for `key` named `cn`, signed by `issuer_key`; `issuer` null
/// makes it self-signed (the CA).
x509_ptr make_certificate(EVP_PKEY* key, const char* cn, X509* issuer,
                          EVP_PKEY* issuer_key) {
  x509_ptr cert{X509_new()};
  std::unique_ptr<BIGNUM, deleter<BIGNUM, BN_free>> serial{BN_new()};
  if (!cert || !serial || X509_set_version(cert.get(), 2) != 1
      || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1
      || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))
           == nullptr
      // An hour back: peers whose clocks lag a little still accept it.
      || X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr
      || X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                         validity_days * 24 * 3600)
           == nullptr
      || X509_set_pubkey(cert.get(), key) != 1)
    return nullptr;
  auto name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(
        name, "O", MBSTRING_ASC,
        reinterpret_cast<const unsigned char*>("Actodo"), -1, -1, 0)
        != 1
      || X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(cn),
                                    -1, -1, 0)
           != 1)
    return nullptr;
  auto self_signed = issuer == nullptr;
  auto signer = self_signed ? cert.get() : issuer;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1
      || !add_ext(cert.get(), signer, NID_subject_key_identifier, "hash"))
    return nullptr;
  bool ok = true;
  if (self_signed) {
    ok = add_ext(cert.get(), signer, NID_basic_constraints,
                 "critical,CA:TRUE,pathlen:0")
         && add_ext(cert.get(), signer, NID_key_usage,
                    "critical,keyCertSign,cRLSign");
  } else {
    ok = add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE")
         && add_ext(cert.get(), signer, NID_key_usage,
                    "critical,digitalSignature")
         && add_ext(cert.get(), signer, NID_ext_key_usage,
                    "serverAuth,clientAuth")
         && add_ext(cert.get(), signer, NID_subject_alt_name,
                    "DNS:localhost,IP:127.0.0.1,IP:::1")
         && add_ext(cert.get(), signer, NID_authority_key_identifier,
                    "keyid:always");
  }
  if (!ok || X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0)
    return nullptr;
  return cert;
}

/// The PEM text `write` puts into a memory BIO.
template<class F>
std::string pem(F write) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || write(bio.get()) != 1)
    return {};
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string{data, static_cast<size_t>(len)} : "";
}

/// Creates `path` exclusively with mode 0600 (set explicitly: no umask).
caf::error write_new(const std::string& path, const std::string& text) {
  if (text.empty())
    return fail("cannot encode " + path);
  auto fd = ::open(path.c_str(),
                   O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return fail("cannot create " + path + ": " + std::strerror(errno));
  auto ok = ::fchmod(fd, 0600) == 0
            && ::write(fd, text.data(), text.size())
                 == static_cast<ssize_t>(text.size())
            && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return fail("cannot write " + path);
  }
  return caf::none;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

int no_passphrase(char*, int, int, void*) {
  return -1; // Never prompt on a terminal for an encrypted key.
}

} // namespace

tls_files tls_files_in(const std::string& dir) {
  return {dir + "/ca.pem", dir + "/node.pem", dir + "/node.key"};
}

caf::error generate_certificates(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return fail("cannot create " + dir + ": " + std::strerror(errno));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return fail(dir + " is not a directory");
  if (::chmod(dir.c_str(), 0700) != 0)
    return fail("cannot chmod " + dir + ": " + std::strerror(errno));
  pkey_ptr ca_key{EVP_EC_gen("P-256")};
  pkey_ptr node_key{EVP_EC_gen("P-256")};
  if (!ca_key || !node_key)
    return fail("cannot generate EC keys");
  auto ca = make_certificate(ca_key.get(), "Actodo CA", nullptr, ca_key.get());
  if (!ca)
    return fail("cannot create the CA certificate");
  auto node = make_certificate(node_key.get(), "actodo-node", ca.get(),
                               ca_key.get());
  if (!node)
    return fail("cannot create the node certificate");
  auto key_pem = [](EVP_PKEY* key) {
    return pem([key](BIO* bio) {
      return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr,
                                      nullptr);
    });
  };
  auto cert_pem = [](X509* cert) {
    return pem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
  };
  // Keys first: a crash in between leaves a set ensure_certificates refuses.
  auto dir_files = tls_files_in(dir);
  if (auto err = write_new(dir + "/ca.key", key_pem(ca_key.get())))
    return err;
  if (auto err = write_new(dir_files.key, key_pem(node_key.get())))
    return err;
  if (auto err = write_new(dir_files.ca, cert_pem(ca.get())))
    return err;
  return write_new(dir_files.certificate, cert_pem(node.get()));
}

caf::expected<tls_files> ensure_certificates(const std::string& dir) {
  auto files = tls_files_in(dir);
  const std::string all[] = {dir + "/ca.key", files.key, files.ca,
                             files.certificate};
  size_t present = 0;
  for (auto& path : all)
    present += exists(path) ? 1 : 0;
  if (present == 0) {
    if (auto err = generate_certificates(dir))
      return err;
  } else if (present != 4) {
    return fail(dir
                + " holds an incomplete set of TLS files (ca.pem, ca.key, "
                  "node.pem, node.key); remove the directory to generate "
                  "a new set");
  }
  for (auto& key : {all[0], all[1]}) {
    struct stat st {};
    if (::stat(key.c_str(), &st) != 0 || (st.st_mode & 077) != 0)
      return fail(key + " is readable by group or others (chmod 600 it)");
  }
  if (auto err = check_certificates(files))
    return err;
  return files;
}

caf::error check_certificates(const tls_files& files) {
  bio_ptr cert_in{BIO_new_file(files.certificate.c_str(), "r")};
  x509_ptr cert{
    cert_in ? PEM_read_bio_X509(cert_in.get(), nullptr, no_passphrase, nullptr)
            : nullptr};
  if (!cert)
    return fail("cannot read a PEM certificate from " + files.certificate);
  // Further certificates in the file: intermediates of the chain.
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> chain{
    sk_X509_new_null(),
    [](STACK_OF(X509) * sk) { sk_X509_pop_free(sk, X509_free); }};
  while (auto extra = PEM_read_bio_X509(cert_in.get(), nullptr, no_passphrase,
                                        nullptr))
    sk_X509_push(chain.get(), extra);
  ERR_clear_error(); // The loop ends with "no start line".
  bio_ptr key_in{BIO_new_file(files.key.c_str(), "r")};
  pkey_ptr key{key_in ? PEM_read_bio_PrivateKey(key_in.get(), nullptr,
                                                no_passphrase, nullptr)
                      : nullptr};
  if (!key)
    return fail("cannot read an unencrypted PEM private key from " + files.key);
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return fail(files.key + " is not the key of " + files.certificate);
  std::unique_ptr<X509_STORE, deleter<X509_STORE, X509_STORE_free>> store{
    X509_STORE_new()};
  std::unique_ptr<X509_STORE_CTX, deleter<X509_STORE_CTX, X509_STORE_CTX_free>>
    ctx{X509_STORE_CTX_new()};
  if (!store || !ctx
      || X509_STORE_load_file(store.get(), files.ca.c_str()) != 1)
    return fail("cannot read the CA certificates in " + files.ca);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), chain.get()) != 1)
    return fail("cannot verify " + files.certificate);
  if (X509_verify_cert(ctx.get()) != 1)
    return fail(
      files.certificate + " is not valid for the CA in " + files.ca + ": "
      + X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  return caf::none;
}

} // namespace actodo::config
