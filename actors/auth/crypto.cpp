#include "actors/auth/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "actors/domain/text.hpp"

namespace actodo::actors::auth {

std::string random_bytes(size_t n) {
  std::string result(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(result.data()),
                 static_cast<int>(n))
      != 1)
    throw std::runtime_error("the CSPRNG failed");
  return result;
}

std::string random_token(size_t n) {
  return domain::base64url_encode(random_bytes(n));
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string result;
  for (unsigned int i = 0; i < len; ++i) {
    result += hex[digest[i] >> 4];
    result += hex[digest[i] & 15];
  }
  return result;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &len);
  return std::string{reinterpret_cast<char*>(mac), len};
}

bool equal_ct(std::string_view x, std::string_view y) {
  return x.size() == y.size()
         && CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
}

} // namespace actodo::actors::auth
