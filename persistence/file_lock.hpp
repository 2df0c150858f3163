#pragma once

#include <string>

#include "caf/expected.hpp"

namespace actodo::persistence {

/// An exclusive `flock` on a lock file, held until destroyed (or until the
/// process ends, however it ends: the kernel drops the lock with the
/// descriptor). The holder's PID is written into the file so that a second
/// process can say who holds it.
class file_lock {
 public:
  /// Takes the lock on `path` (created mode 0600 when missing) without
  /// waiting. Fails with `ec::conflict` naming the holder's PID when another
  /// process holds it, with `ec::store_failure` when the file cannot be
  /// opened.
  static caf::expected<file_lock> acquire(const std::string& path);

  file_lock(file_lock&& other) noexcept;
  file_lock& operator=(file_lock&& other) noexcept;
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;
  ~file_lock();

  const std::string& path() const noexcept {
    return path_;
  }

 private:
  file_lock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_ = -1;
};

} // namespace actodo::persistence
