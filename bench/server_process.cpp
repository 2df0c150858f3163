#include "bench/server_process.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace actodo::bench {

double machine_busy_seconds() {
  std::ifstream stat{"/proc/stat"};
  std::string cpu;
  unsigned long long v[10] = {};
  stat >> cpu;
  for (auto& x : v)
    stat >> x;
  // user nice system idle iowait irq softirq steal guest guest_nice
  auto busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return static_cast<double>(busy) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

proc_sample sample_process(pid_t pid) {
  proc_sample result;
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      result.rss_kib = std::strtoull(line.c_str() + 6, nullptr, 10);
    else if (line.rfind("VmHWM:", 0) == 0)
      result.hwm_kib = std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text{std::istreambuf_iterator<char>{stat}, {}};
  auto paren = text.rfind(')'); // the command name may contain spaces
  if (paren != std::string::npos) {
    std::istringstream fields{text.substr(paren + 2)};
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    // After ")": state(3) ... utime is field 14, stime 15 (1-based).
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14)
        utime = std::strtoull(field.c_str(), nullptr, 10);
      else if (i == 15)
        stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    result.cpu_seconds = static_cast<double>(utime + stime)
                         / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return result;
}

server_process::server_process(const std::string& path,
                               std::vector<std::string> args, bool keep_data)
  : keep_data_(keep_data) {
  char tmpl[] = "/tmp/actodo-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  data_dir_ = tmpl;
  // One local user carries the whole load: lift the per-user limits that
  // protect a shared server (later arguments override these), and keep the
  // console endpoint off a fixed port.
  argv_ = {path,
           "serve",
           "--port=0",
           "--admin-port=0",
           "--max-todos=1000000",
           "--max-sessions=1000000",
           "--data-dir=" + data_dir_ + "/data"};
  argv_.insert(argv_.end(), args.begin(), args.end());
  int out[2];
  if (pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  auto log_path = data_dir_ + "/server.log";
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> cargv;
  for (auto& arg : argv_)
    cargv.push_back(arg.data());
  cargv.push_back(nullptr);
  auto parent = getpid();
  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
      _exit(127);
    dup2(out[1], STDOUT_FILENO);
    if (log_fd >= 0)
      dup2(log_fd, STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(out[1]);
  if (log_fd >= 0)
    close(log_fd);
  // Read the first line (up to 30 s): "actodo: listening on http://H:P ...".
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (text.find('\n') == std::string::npos
         && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out[0], POLLIN, 0};
    if (poll(&pfd, 1, 100) <= 0)
      continue;
    char buf[512];
    auto n = read(out[0], buf, sizeof(buf));
    if (n <= 0)
      break;
    text.append(buf, static_cast<size_t>(n));
  }
  auto at = text.find("listening on http://");
  auto colon = at == std::string::npos ? at : text.find(':', at + 20);
  if (colon == std::string::npos) {
    close(out[0]);
    stop(std::chrono::seconds{5});
    throw std::runtime_error("server did not start: " + text + " (see "
                             + log_path + ")");
  }
  port_ = static_cast<uint16_t>(std::atoi(text.c_str() + colon + 1));
  int fd = out[0];
  drain_ = std::thread{[fd] {
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0) {
      // Discard: keeps the server from blocking on a full pipe.
    }
    close(fd);
  }};
}

int server_process::stop(std::chrono::seconds timeout) {
  if (pid_ > 0 && exit_code_ < 0) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
      auto r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_)
        break;
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      usleep(10000);
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status)
                                   : 128 + WTERMSIG(status);
  }
  if (drain_.joinable())
    drain_.join();
  return exit_code_;
}

server_process::~server_process() {
  stop();
  if (data_dir_.empty())
    return;
  if (keep_data_) {
    std::fprintf(stderr, "data kept in %s/data\n", data_dir_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

} // namespace actodo::bench
