#include "actors/domain/text.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace actodo::actors::domain {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool ieq_char(char x, char y) {
  return lower(x) == lower(y);
}

bool is_space_code_point(uint32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
  }
}

constexpr std::string_view b64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                          "klmnopqrstuvwxyz0123456789-_";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

} // namespace

size_t count_code_points(std::string_view utf8) {
  return static_cast<size_t>(
    std::count_if(utf8.begin(), utf8.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool is_blank(std::string_view utf8) {
  size_t i = 0;
  while (i < utf8.size()) {
    auto b = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = 0;
    size_t len = 1;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      cp = b & 0x1F;
      len = 2;
    } else if ((b & 0xF0) == 0xE0) {
      cp = b & 0x0F;
      len = 3;
    } else if ((b & 0xF8) == 0xF0) {
      cp = b & 0x07;
      len = 4;
    } else {
      return false; // Invalid lead byte: certainly not white space.
    }
    if (i + len > utf8.size())
      return false;
    for (size_t j = 1; j < len; ++j)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + j]) & 0x3F);
    if (!is_space_code_point(cp))
      return false;
    i += len;
  }
  return true;
}

std::string ascii_lower(std::string_view str) {
  std::string result{str};
  for (auto& c : result)
    c = lower(c);
  return result;
}

bool iequals(std::string_view x, std::string_view y) {
  return x.size() == y.size()
         && std::equal(x.begin(), x.end(), y.begin(), ieq_char);
}

bool icontains(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(),
                     needle.end(), ieq_char)
         != haystack.end();
}

std::string base64url_encode(std::string_view bytes) {
  std::string result;
  result.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t buf = 0;
  int bits = 0;
  for (auto c : bytes) {
    buf = (buf << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      result += b64_alphabet[(buf >> bits) & 0x3F];
    }
  }
  if (bits > 0)
    result += b64_alphabet[(buf << (6 - bits)) & 0x3F];
  return result;
}

bool base64url_decode(std::string_view str, std::string& out) {
  if (str.size() % 4 == 1)
    return false;
  std::string result;
  result.reserve(str.size() * 3 / 4);
  uint32_t buf = 0;
  int bits = 0;
  for (auto c : str) {
    auto v = b64_value(c);
    if (v < 0)
      return false;
    buf = (buf << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      result += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero for a canonical encoding.
  if ((buf & ((1u << bits) - 1)) != 0)
    return false;
  out = std::move(result);
  return true;
}

} // namespace actodo::actors::domain
