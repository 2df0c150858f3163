#include "io/webhooks/signature.hpp"

#include <openssl/evp.h>

#include "actors/auth/crypto.hpp"

namespace actodo::io::webhooks {

namespace {

constexpr std::string_view secret_prefix = "whsec_";

} // namespace

std::string base64(std::string_view bytes) {
  std::string out;
  out.resize(4 * ((bytes.size() + 2) / 3));
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  out.resize(3 * text.size() / 4);
  auto n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(text.data()),
                           static_cast<int>(text.size()));
  if (n < 0)
    return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  auto pad = text.empty()
               ? 0
               : (text.back() == '=')
                   + (text.size() > 1 && text[text.size() - 2] == '=');
  out.resize(static_cast<size_t>(n) - static_cast<size_t>(pad));
  return out;
}

std::string make_secret() {
  return std::string{secret_prefix} + base64(actors::auth::random_bytes(32));
}

std::optional<std::string> secret_key(std::string_view secret) {
  if (secret.substr(0, secret_prefix.size()) != secret_prefix)
    return std::nullopt;
  return unbase64(secret.substr(secret_prefix.size()));
}

std::string sign(std::string_view key, std::string_view msg_id,
                 int64_t timestamp, std::string_view body) {
  std::string content;
  content.reserve(msg_id.size() + body.size() + 24);
  content += msg_id;
  content += '.';
  content += std::to_string(timestamp);
  content += '.';
  content += body;
  return "v1," + base64(actors::auth::hmac_sha256(key, content));
}

} // namespace actodo::io::webhooks
