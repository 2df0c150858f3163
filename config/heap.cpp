#include "config/heap.hpp"

#include <atomic>
#include <cstddef>
#include <malloc.h>
#include <thread>

// jemalloc's control interface, when jemalloc is the process's allocator
// (weak: null under glibc and the sanitizers' allocators).
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp,
                       void* newp, size_t newlen) __attribute__((weak));

namespace actodo::config {

namespace {

/// jemalloc's MALLCTL_ARENAS_ALL: the purge applies to every arena.
constexpr const char* purge_all_arenas = "arena.4096.purge";

void release_heap() {
  if (mallctl != nullptr)
    mallctl(purge_all_arenas, nullptr, nullptr, nullptr, 0);
  else
    ::malloc_trim(0);
}

} // namespace

const char* heap_allocator() {
  return mallctl != nullptr ? "jemalloc" : "glibc";
}

void release_heap_async() {
  static std::atomic<bool> running{false};
  if (running.exchange(true))
    return;
  std::thread{[] {
    release_heap();
    running = false;
  }}.detach();
}

} // namespace actodo::config
