#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace actodo::bench {

/// Memory and CPU of a process, from /proc/<pid>/status and /proc/<pid>/stat.
struct proc_sample {
  uint64_t rss_kib = 0; ///< VmRSS
  uint64_t hwm_kib = 0; ///< VmHWM (peak RSS)
  double cpu_seconds = 0; ///< utime + stime
};

/// CPU seconds all cores of the machine spent busy (not idle or iowait)
/// since boot, from /proc/stat; the difference over a window minus server
/// and bench CPU is what other processes took.
double machine_busy_seconds();

/// Reads the sample of `pid` (zeros if the process is gone).
proc_sample sample_process(pid_t pid);

/// An `actodo serve --port=0` child with its own temporary data directory.
/// The child gets SIGTERM if the bench process dies (PR_SET_PDEATHSIG).
class server_process {
 public:
  /// Forks and execs `path serve --port=0 --data-dir=<tmp> args...` and waits
  /// (up to 30 s) for its `listening on` line; throws std::runtime_error.
  server_process(const std::string& path, std::vector<std::string> args,
                 bool keep_data);

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  /// Stops the server if still running, removes the data directory.
  ~server_process();

  /// SIGTERM, waits up to `timeout` (then SIGKILL); returns the exit code
  /// (128 + signal when killed by a signal).
  int stop(std::chrono::seconds timeout = std::chrono::seconds{20});

  uint16_t port() const {
    return port_;
  }

  pid_t pid() const {
    return pid_;
  }

  proc_sample sample() const {
    return sample_process(pid_);
  }

  const std::string& data_dir() const {
    return data_dir_;
  }

  /// The full command line used to start the server.
  const std::vector<std::string>& argv() const {
    return argv_;
  }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int exit_code_ = -1;
  bool keep_data_ = false;
  std::string data_dir_;
  std::vector<std::string> argv_;
  std::thread drain_; ///< reads the child's stdout after the first line
};

} // namespace actodo::bench
