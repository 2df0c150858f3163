#pragma once

namespace actodo::config {

/// The allocator this process runs on: "jemalloc" (linked, the release
/// build's default, or preloaded) or "glibc".
const char* heap_allocator();

/// Gives the heap's freed pages back to the OS without blocking the
/// caller: jemalloc purges every arena, glibc's `malloc_trim(0)` walks its
/// arenas. Either can take hundreds of milliseconds on a large fragmented
/// heap, so it runs on a thread of its own, unless one still runs.
void release_heap_async();

} // namespace actodo::config
