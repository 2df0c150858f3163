#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace actodo::actors::domain {

/// An optional instant (ms since the epoch) in 8 bytes, where a
/// `std::optional<int64_t>` takes 16: the smallest `int64_t` marks "none"
/// (it is no instant RFC 3339 can write). A todo's `completed_ms`. The
/// interface is the part of `std::optional`'s that the domain uses; it
/// converts to and from `std::optional<int64_t>`.
class optional_instant {
 public:
  constexpr optional_instant() noexcept = default;

  constexpr optional_instant(std::nullopt_t) noexcept {
    // nop
  }

  constexpr optional_instant(int64_t ms) noexcept : ms_(ms) {
    // nop
  }

  constexpr optional_instant(std::optional<int64_t> ms) noexcept
    : ms_(ms.value_or(none)) {
    // nop
  }

  constexpr bool has_value() const noexcept {
    return ms_ != none;
  }

  constexpr explicit operator bool() const noexcept {
    return has_value();
  }

  /// The instant; only when `has_value()`.
  constexpr int64_t operator*() const noexcept {
    return ms_;
  }

  constexpr int64_t value_or(int64_t fallback) const noexcept {
    return has_value() ? ms_ : fallback;
  }

  constexpr void reset() noexcept {
    ms_ = none;
  }

  constexpr operator std::optional<int64_t>() const noexcept {
    if (has_value())
      return ms_;
    return std::nullopt;
  }

  friend constexpr bool operator==(optional_instant x,
                                   optional_instant y) noexcept {
    return x.ms_ == y.ms_;
  }

  friend constexpr bool operator!=(optional_instant x,
                                   optional_instant y) noexcept {
    return x.ms_ != y.ms_;
  }

 private:
  static constexpr int64_t none = std::numeric_limits<int64_t>::min();

  int64_t ms_ = none;
};

static_assert(sizeof(optional_instant) == 8);

} // namespace actodo::actors::domain
