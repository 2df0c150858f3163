#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace actodo::actors::domain {

/// An optional value that lives on the heap: one pointer wide, so a member
/// that is absent in most objects (a todo's recurrence: 184 bytes inline as
/// a `std::optional`) costs 8 bytes where it is absent. Copies are deep;
/// the interface is the part of `std::optional`'s that the domain uses.
template<class T>
class heap_optional {
 public:
  using value_type = T;

  heap_optional() = default;

  heap_optional(std::nullopt_t) {
    // nop
  }

  heap_optional(T x) : ptr_(std::make_unique<T>(std::move(x))) {
    // nop
  }

  heap_optional(const heap_optional& other)
    : ptr_(other ? std::make_unique<T>(*other) : nullptr) {
    // nop
  }

  heap_optional(heap_optional&&) noexcept = default;

  heap_optional& operator=(const heap_optional& other) {
    if (this != &other)
      ptr_ = other ? std::make_unique<T>(*other) : nullptr;
    return *this;
  }

  heap_optional& operator=(heap_optional&&) noexcept = default;

  heap_optional& operator=(T x) {
    if (ptr_)
      *ptr_ = std::move(x);
    else
      ptr_ = std::make_unique<T>(std::move(x));
    return *this;
  }

  heap_optional& operator=(std::nullopt_t) {
    ptr_.reset();
    return *this;
  }

  bool has_value() const noexcept {
    return ptr_ != nullptr;
  }

  explicit operator bool() const noexcept {
    return has_value();
  }

  T& operator*() {
    return *ptr_;
  }

  const T& operator*() const {
    return *ptr_;
  }

  T* operator->() {
    return ptr_.get();
  }

  const T* operator->() const {
    return ptr_.get();
  }

  void reset() noexcept {
    ptr_.reset();
  }

  template<class... Ts>
  T& emplace(Ts&&... xs) {
    ptr_ = std::make_unique<T>(std::forward<Ts>(xs)...);
    return *ptr_;
  }

  friend bool operator==(const heap_optional& x, const heap_optional& y) {
    return x ? y && *x == *y : !y;
  }

  friend bool operator!=(const heap_optional& x, const heap_optional& y) {
    return !(x == y);
  }

 private:
  std::unique_ptr<T> ptr_;
};

} // namespace actodo::actors::domain
