#include "actors/domain/compact_string.hpp"

#include <cstdlib>
#include <limits>
#include <new>
#include <ostream>
#include <stdexcept>

namespace actodo::actors::domain {

void compact_string::assign(std::string_view str) {
  unsigned char fresh[sizeof(bytes_)] = {};
  if (str.size() <= max_inline) {
    if (!str.empty()) {
      fresh[0] = static_cast<unsigned char>(str.size() << 1 | 1);
      std::memcpy(fresh + 1, str.data(), str.size());
    }
  } else {
    if (str.size() > std::numeric_limits<uint32_t>::max())
      throw std::length_error("compact_string: text too long");
    auto* fresh_block = static_cast<char*>(
      std::malloc(header + str.size() + 1));
    if (fresh_block == nullptr)
      throw std::bad_alloc();
    auto size = static_cast<uint32_t>(str.size());
    std::memcpy(fresh_block, &size, sizeof(size));
    std::memcpy(fresh_block + header, str.data(), str.size());
    fresh_block[header + str.size()] = '\0';
    std::memcpy(fresh, &fresh_block, sizeof(fresh_block));
  }
  // `str` may view this string's own text: release only after the copy.
  release();
  std::memcpy(bytes_, fresh, sizeof(bytes_));
}

void compact_string::release() noexcept {
  if (!is_inline())
    std::free(heap());
  std::memset(bytes_, 0, sizeof(bytes_));
}

std::ostream& operator<<(std::ostream& out, const compact_string& x) {
  return out << x.view();
}

} // namespace actodo::actors::domain
