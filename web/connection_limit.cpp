#include "web/connection_limit.hpp"

#include <algorithm>
#include <sys/resource.h>

namespace actodo::web {

std::shared_ptr<void> connection_limit::acquire() {
  auto now = open_.load();
  do {
    if (now >= max_)
      return nullptr;
  } while (!open_.compare_exchange_weak(now, now + 1));
  // Points at the limit itself (never dereferenced): non-null, so a slot
  // tests true; the deleter gives the slot back.
  return std::shared_ptr<void>{static_cast<void*>(this),
                               [this](void*) { open_.fetch_sub(1); }};
}

size_t raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    auto wanted = lim;
    wanted.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0)
      lim = wanted;
  }
  if (lim.rlim_cur == RLIM_INFINITY)
    return 1u << 20;
  return static_cast<size_t>(lim.rlim_cur);
}

size_t default_max_connections(size_t fd_limit) {
  // Each connection is one descriptor; keep a quarter (at most 1024, at
  // least 32) for everything else.
  auto reserve = std::clamp<size_t>(fd_limit / 4, 32, 1024);
  return fd_limit > reserve + 16 ? fd_limit - reserve : 16;
}

} // namespace actodo::web
