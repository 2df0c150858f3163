#include "actors/auth/password.hpp"

#include <cstdint>
#include <openssl/evp.h>
#include <stdexcept>
#include <vector>

#include "actors/auth/crypto.hpp"
#include "actors/domain/text.hpp"

namespace actodo::actors::auth {

namespace {

constexpr uint64_t cost_n = 1 << 15;
constexpr uint64_t cost_r = 8;
constexpr uint64_t cost_p = 1;
constexpr size_t hash_len = 32;
constexpr uint64_t max_mem = 64ull * 1024 * 1024;

std::string scrypt(std::string_view password, std::string_view salt, uint64_t n,
                   uint64_t r, uint64_t p) {
  std::string out(hash_len, '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), n, r, p, max_mem,
                     reinterpret_cast<unsigned char*>(out.data()), out.size())
      != 1)
    return {};
  return out;
}

std::vector<std::string_view> split(std::string_view str, char sep) {
  std::vector<std::string_view> result;
  size_t pos;
  while ((pos = str.find(sep)) != std::string_view::npos) {
    result.push_back(str.substr(0, pos));
    str.remove_prefix(pos + 1);
  }
  result.push_back(str);
  return result;
}

bool parse_u64(std::string_view str, uint64_t& out) {
  if (str.empty() || str.size() > 10)
    return false;
  out = 0;
  for (auto c : str) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

} // namespace

std::string hash_password(std::string_view password) {
  auto salt = random_bytes(16);
  auto hash = scrypt(password, salt, cost_n, cost_r, cost_p);
  if (hash.empty())
    throw std::runtime_error("scrypt failed");
  return "scrypt$" + std::to_string(cost_n) + "$" + std::to_string(cost_r) + "$"
         + std::to_string(cost_p) + "$" + domain::base64url_encode(salt) + "$"
         + domain::base64url_encode(hash);
}

bool verify_password(std::string_view password, std::string_view stored) {
  auto parts = split(stored, '$');
  uint64_t n = 0;
  uint64_t r = 0;
  uint64_t p = 0;
  std::string salt;
  std::string expected;
  if (parts.size() != 6 || parts[0] != "scrypt" || !parse_u64(parts[1], n)
      || !parse_u64(parts[2], r) || !parse_u64(parts[3], p)
      || !domain::base64url_decode(parts[4], salt)
      || !domain::base64url_decode(parts[5], expected))
    return false;
  auto actual = scrypt(password, salt, n, r, p);
  return !actual.empty() && equal_ct(actual, expected);
}

} // namespace actodo::actors::auth
