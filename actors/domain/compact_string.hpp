#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace actodo::actors::domain {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "compact_string tags the lowest byte of a pointer");

/// An immutable-in-place string one pointer wide, for the text members of
/// every resident todo (a `std::string` is 32 bytes, and most of a todo's
/// seven strings are empty or short). Up to 7 bytes live in the object
/// itself (`p_inbox`, short ids); longer text is one heap block holding its
/// length, the bytes and a terminating NUL. Empty costs nothing on the heap.
///
/// It reads as a `std::string_view` (an implicit conversion) and is set
/// from any text; there is no in-place editing: build a `std::string` and
/// assign it.
class compact_string {
 public:
  static constexpr size_t max_inline = 7;

  compact_string() noexcept = default;

  compact_string(std::string_view str) {
    assign(str);
  }

  compact_string(const std::string& str)
    : compact_string(std::string_view{str}) {
    // nop
  }

  compact_string(const char* str) : compact_string(std::string_view{str}) {
    // nop
  }

  compact_string(const compact_string& other) : compact_string(other.view()) {
    // nop
  }

  compact_string(compact_string&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
    std::memset(other.bytes_, 0, sizeof(other.bytes_));
  }

  ~compact_string() {
    release();
  }

  compact_string& operator=(const compact_string& other) {
    if (this != &other)
      assign(other.view());
    return *this;
  }

  compact_string& operator=(compact_string&& other) noexcept {
    if (this != &other) {
      release();
      std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
      std::memset(other.bytes_, 0, sizeof(other.bytes_));
    }
    return *this;
  }

  compact_string& operator=(std::string_view str) {
    assign(str);
    return *this;
  }

  compact_string& operator=(const std::string& str) {
    assign(str);
    return *this;
  }

  compact_string& operator=(const char* str) {
    assign(str);
    return *this;
  }

  /// Replaces the text (`str` may be a view of this string's own text).
  void assign(std::string_view str);

  void clear() noexcept {
    release();
  }

  size_t size() const noexcept {
    if (is_inline())
      return bytes_[0] >> 1;
    if (auto* block = heap()) {
      uint32_t result;
      std::memcpy(&result, block, sizeof(result));
      return result;
    }
    return 0;
  }

  bool empty() const noexcept {
    return size() == 0;
  }

  /// The text; NUL-terminated only when it is on the heap or shorter than
  /// 7 bytes, so use it with `size()`.
  const char* data() const noexcept {
    if (is_inline())
      return reinterpret_cast<const char*>(bytes_ + 1);
    if (auto* block = heap())
      return block + header;
    return "";
  }

  std::string_view view() const noexcept {
    return {data(), size()};
  }

  operator std::string_view() const noexcept {
    return view();
  }

  std::string str() const {
    return std::string{view()};
  }

  const char* begin() const noexcept {
    return data();
  }

  const char* end() const noexcept {
    return data() + size();
  }

  char front() const noexcept {
    return data()[0];
  }

  friend bool operator==(const compact_string& x, const compact_string& y) {
    return x.view() == y.view();
  }

  friend bool operator==(const compact_string& x, std::string_view y) {
    return x.view() == y;
  }

  friend bool operator==(std::string_view x, const compact_string& y) {
    return x == y.view();
  }

  friend bool operator==(const compact_string& x, const std::string& y) {
    return x.view() == y;
  }

  friend bool operator==(const std::string& x, const compact_string& y) {
    return x == y.view();
  }

  friend bool operator==(const compact_string& x, const char* y) {
    return x.view() == y;
  }

  friend bool operator!=(const compact_string& x, const compact_string& y) {
    return !(x == y);
  }

  friend bool operator!=(const compact_string& x, std::string_view y) {
    return !(x == y);
  }

  friend bool operator!=(std::string_view x, const compact_string& y) {
    return !(x == y);
  }

  friend bool operator!=(const compact_string& x, const std::string& y) {
    return !(x == y);
  }

  friend bool operator!=(const std::string& x, const compact_string& y) {
    return !(x == y);
  }

  friend bool operator!=(const compact_string& x, const char* y) {
    return !(x == y);
  }

  friend bool operator<(const compact_string& x, const compact_string& y) {
    return x.view() < y.view();
  }

  friend std::string operator+(std::string x, const compact_string& y) {
    x.append(y.view());
    return x;
  }

  friend std::string operator+(const compact_string& x, std::string_view y) {
    std::string result;
    result.reserve(x.size() + y.size());
    result.append(x.view()).append(y);
    return result;
  }

 private:
  /// A heap block: the size (`uint32_t`), then the text and a NUL.
  static constexpr size_t header = sizeof(uint32_t);

  bool is_inline() const noexcept {
    return (bytes_[0] & 1) != 0;
  }

  char* heap() const noexcept {
    char* result;
    std::memcpy(&result, bytes_, sizeof(result));
    return result;
  }

  void release() noexcept;

  /// Byte 0 is `size << 1 | 1` when the text is inline (bytes 1..7), else
  /// the lowest byte of a heap block's address (malloc alignment keeps its bit
  /// 0 clear) or of nullptr (empty).
  alignas(void*) unsigned char bytes_[8] = {};
};

static_assert(sizeof(compact_string) == 8);

std::ostream& operator<<(std::ostream& out, const compact_string& x);

inline std::string to_string(const compact_string& x) {
  return x.str();
}

inline void to_json(nlohmann::json& j, const compact_string& x) {
  j = x.view();
}

inline void from_json(const nlohmann::json& j, compact_string& x) {
  x = j.get<std::string>();
}

} // namespace actodo::actors::domain

template<>
struct std::hash<actodo::actors::domain::compact_string> {
  size_t operator()(const actodo::actors::domain::compact_string& x) const {
    return std::hash<std::string_view>{}(x.view());
  }
};
