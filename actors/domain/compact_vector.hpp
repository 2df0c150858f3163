#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace actodo::actors::domain {

/// A vector one pointer wide, for the list members of every resident todo
/// (its tags and reminders: a `std::vector` is 24 bytes, and most todos have
/// none). Empty costs nothing on the heap; otherwise one heap block holds
/// the size, the capacity and the elements. The interface is the part of
/// `std::vector`'s that the domain uses; it converts from a `std::vector`.
template<class T>
class compact_vector {
 public:
  using value_type = T;
  using size_type = size_t;
  using reference = T&;
  using const_reference = const T&;
  using iterator = T*;
  using const_iterator = const T*;

  static_assert(std::is_nothrow_move_constructible_v<T>,
                "compact_vector moves its elements when it grows");

  compact_vector() noexcept = default;

  compact_vector(std::initializer_list<T> xs) {
    assign(xs.begin(), xs.end());
  }

  template<class Iterator>
  compact_vector(Iterator first, Iterator last) {
    assign(first, last);
  }

  compact_vector(const std::vector<T>& xs) {
    assign(xs.begin(), xs.end());
  }

  compact_vector(std::vector<T>&& xs) {
    assign(std::make_move_iterator(xs.begin()),
           std::make_move_iterator(xs.end()));
  }

  compact_vector(const compact_vector& other) {
    assign(other.begin(), other.end());
  }

  compact_vector(compact_vector&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)) {
    // nop
  }

  ~compact_vector() {
    release();
  }

  compact_vector& operator=(const compact_vector& other) {
    if (this != &other)
      assign(other.begin(), other.end());
    return *this;
  }

  compact_vector& operator=(compact_vector&& other) noexcept {
    if (this != &other) {
      release();
      block_ = std::exchange(other.block_, nullptr);
    }
    return *this;
  }

  /// Replaces the elements with `[first, last)` (not a range of this
  /// vector's own elements).
  template<class Iterator>
  void assign(Iterator first, Iterator last) {
    clear();
    if constexpr (std::is_base_of_v<
                    std::forward_iterator_tag,
                    typename std::iterator_traits<Iterator>::iterator_category>)
      reserve(static_cast<size_t>(std::distance(first, last)));
    for (; first != last; ++first)
      emplace_back(*first);
  }

  size_t size() const noexcept {
    return block_ ? block_->size : 0;
  }

  size_t capacity() const noexcept {
    return block_ ? block_->capacity : 0;
  }

  bool empty() const noexcept {
    return size() == 0;
  }

  T* data() noexcept {
    return block_ ? items() : nullptr;
  }

  const T* data() const noexcept {
    return block_ ? items() : nullptr;
  }

  iterator begin() noexcept {
    return data();
  }

  iterator end() noexcept {
    return data() + size();
  }

  const_iterator begin() const noexcept {
    return data();
  }

  const_iterator end() const noexcept {
    return data() + size();
  }

  T& operator[](size_t i) noexcept {
    return items()[i];
  }

  const T& operator[](size_t i) const noexcept {
    return items()[i];
  }

  T& front() noexcept {
    return items()[0];
  }

  const T& front() const noexcept {
    return items()[0];
  }

  T& back() noexcept {
    return items()[size() - 1];
  }

  const T& back() const noexcept {
    return items()[size() - 1];
  }

  /// Makes room for `n` elements in all (the block is never larger than
  /// asked for here: most lists are filled once, from a known count).
  void reserve(size_t n) {
    if (n > capacity())
      reallocate(n);
  }

  template<class... Ts>
  T& emplace_back(Ts&&... xs) {
    auto n = size();
    if (n == capacity()) {
      // Construct first: `xs` may refer to an element of this vector.
      T tmp(std::forward<Ts>(xs)...);
      reallocate(n == 0 ? 1 : 2 * n);
      return *new (items() + block_->size++) T(std::move(tmp));
    }
    return *new (items() + block_->size++) T(std::forward<Ts>(xs)...);
  }

  void push_back(const T& x) {
    emplace_back(x);
  }

  void push_back(T&& x) {
    emplace_back(std::move(x));
  }

  /// Removes the elements and frees the block.
  void clear() noexcept {
    release();
  }

  std::vector<T> to_vector() const {
    return {begin(), end()};
  }

  friend bool operator==(const compact_vector& x, const compact_vector& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  }

  friend bool operator!=(const compact_vector& x, const compact_vector& y) {
    return !(x == y);
  }

 private:
  struct header {
    uint32_t size;
    uint32_t capacity;
  };

  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

  /// The elements start at the first multiple of their alignment after the
  /// header.
  static constexpr size_t offset = (sizeof(header) + alignof(T) - 1)
                                   / alignof(T) * alignof(T);

  T* items() const noexcept {
    return reinterpret_cast<T*>(reinterpret_cast<char*>(block_) + offset);
  }

  void reallocate(size_t n) {
    auto* next = static_cast<header*>(::operator new(offset + n * sizeof(T)));
    next->size = 0;
    next->capacity = static_cast<uint32_t>(n);
    auto* dst = reinterpret_cast<T*>(reinterpret_cast<char*>(next) + offset);
    if (block_) {
      auto* src = items();
      for (uint32_t i = 0; i < block_->size; ++i) {
        new (dst + i) T(std::move(src[i]));
        src[i].~T();
      }
      next->size = block_->size;
      ::operator delete(block_);
    }
    block_ = next;
  }

  void release() noexcept {
    if (!block_)
      return;
    auto* xs = items();
    for (uint32_t i = 0; i < block_->size; ++i)
      xs[i].~T();
    ::operator delete(block_);
    block_ = nullptr;
  }

  header* block_ = nullptr;
};

template<class T>
void to_json(nlohmann::json& j, const compact_vector<T>& xs) {
  j = nlohmann::json::array();
  for (auto& x : xs)
    j.push_back(x);
}

template<class T>
void from_json(const nlohmann::json& j, compact_vector<T>& xs) {
  xs = j.get<std::vector<T>>();
}

} // namespace actodo::actors::domain
