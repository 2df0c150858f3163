#include "persistence/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "config/error.hpp"

namespace actodo::persistence {

namespace {

/// The PID the holder wrote into the file ("" when unreadable).
std::string holder_of(int fd) {
  char buf[32] = {};
  auto n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  std::string pid{buf, n > 0 ? static_cast<size_t>(n) : 0};
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
    pid.pop_back();
  return pid;
}

} // namespace

caf::expected<file_lock> file_lock::acquire(const std::string& path) {
  auto fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return caf::make_error(ec::store_failure, "cannot open lock file " + path
                                                + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto err = errno;
    auto pid = holder_of(fd);
    ::close(fd);
    if (err != EWOULDBLOCK)
      return caf::make_error(ec::store_failure,
                             "cannot lock " + path + ": " + std::strerror(err));
    return caf::make_error(ec::conflict,
                           "another actodo process (PID "
                             + (pid.empty() ? std::string{"unknown"} : pid)
                             + ") holds " + path
                             + "; stop it or use another data directory");
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0
      || ::pwrite(fd, pid.data(), pid.size(), 0)
           != static_cast<ssize_t>(pid.size())) {
    auto err = errno;
    ::close(fd);
    return caf::make_error(ec::store_failure, "cannot write lock file " + path
                                                + ": " + std::strerror(err));
  }
  return file_lock{path, fd};
}

file_lock::file_lock(file_lock&& other) noexcept
  : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

file_lock& file_lock::operator=(file_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

file_lock::~file_lock() {
  // Closing the descriptor releases the lock; the file stays (removing it
  // would race with a process that just opened it).
  if (fd_ >= 0)
    ::close(fd_);
}

} // namespace actodo::persistence
