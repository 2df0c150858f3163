#include "bench/tokens.hpp"

#include <chrono>
#include <cstdio>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "actors/domain/text.hpp"

namespace actodo::bench {

namespace {

std::string base64url(const unsigned char* data, size_t n) {
  return actors::domain::base64url_encode(
    {reinterpret_cast<const char*>(data), n});
}

std::string base64url(const std::string& text) {
  return actors::domain::base64url_encode(text);
}

} // namespace

std::string sign_access_token(const std::string& secret,
                              const std::string& sub) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  // `sub` is one of ours (letters, digits, '-'): no JSON escaping needed.
  auto head = base64url(R"({"alg":"HS256","typ":"JWT"})");
  auto body = base64url(R"({"exp":)" + std::to_string(now + 3600) + R"(,"iat":)"
                        + std::to_string(now) + R"(,"jti":")" + sub
                        + R"(","sub":")" + sub + R"("})");
  auto input = head + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(),
           mac, &len)
      == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed");
  return input + "." + base64url(mac, len);
}

std::vector<user> token_users(int n, const std::string& secret) {
  std::vector<user> result;
  result.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "bench-u%05d", i + 1);
    result.push_back(user{name, sign_access_token(secret, name)});
  }
  return result;
}

std::string random_secret() {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof(key)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (auto b : key) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

} // namespace actodo::bench
