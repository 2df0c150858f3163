#pragma once

namespace actodo::config {

/// The allocator this process runs on: "jemalloc" (linked, the release
/// build's default, or preloaded) or "glibc".
const char* heap_allocator();

/// Gives the heap's freed pages back to the OS: jemalloc purges every
/// arena, glibc's `malloc_trim(0)` walks its arenas. Either can take
/// hundreds of milliseconds on a large fragmented heap: never call it on
/// an actor's or an io thread (`release_heap_async`).
void release_heap();

/// Runs `release_heap` on a thread of its own, unless one still runs.
void release_heap_async();

} // namespace actodo::config
