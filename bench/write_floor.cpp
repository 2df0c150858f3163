// actodo_write_floor: the least a durable write costs on this machine, as
// an HTTP server. POST answers 202 only after its body is in a file and an
// fdatasync that started after it returned (group commit: one sync covers
// every body that arrived before it began); GET /healthz answers 200 at
// once. One epoll thread for the sockets, one thread for the file, and
// nothing else: no JSON, no actors, no SQLite, no validation. It is what a
// server whose only work is to append each write to a log could do here, so
// bench/RESULTS.md compares actodo's write lines with it.
//
// It takes `actodo serve`'s command line so bench/wrk_bench.sh drives it
// unchanged (SERVER=.../actodo_write_floor); it reads --port, --data-dir
// and --sync (full: fdatasync, the default; none) and ignores the rest.
// Its log is a 64 MiB file written and synced beforehand and reused from
// its start when full, as a WAL is, so no sync also writes the file's size.

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr off_t log_bytes = 64 << 20;
constexpr size_t max_head = 8192;
constexpr size_t max_body = 65536;

struct options {
  int port = 0;
  std::string dir = "/tmp";
  bool sync = true;
};

/// Bodies waiting for the file and the connections to answer once synced.
/// A connection is named by its descriptor and a generation, so an answer
/// for a closed connection never reaches a new one on the same descriptor.
struct ticket {
  int fd;
  uint64_t generation;
};

class group_log {
 public:
  group_log(int file, bool sync, int done_event)
    : file_(file), sync_(sync), done_event_(done_event) {}

  void append(const std::string& body, ticket t) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto n = static_cast<uint32_t>(body.size());
    pending_.append(reinterpret_cast<const char*>(&n), sizeof n);
    pending_ += body;
    waiting_.push_back(t);
    ready_.notify_one();
  }

  std::vector<ticket> take_done() {
    std::lock_guard<std::mutex> guard{mtx_};
    return std::move(done_);
  }

  /// The file's thread: write what is pending, sync, hand the tickets back.
  void run() {
    std::string bytes;
    std::vector<ticket> tickets;
    off_t offset = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> guard{mtx_};
        ready_.wait(guard, [&] { return !pending_.empty(); });
        bytes.swap(pending_);
        tickets.swap(waiting_);
      }
      if (offset + static_cast<off_t>(bytes.size()) > log_bytes)
        offset = 0;
      if (::pwrite(file_, bytes.data(), bytes.size(), offset)
            != static_cast<ssize_t>(bytes.size())
          || (sync_ && ::fdatasync(file_) != 0)) {
        std::perror("actodo_write_floor: log");
        std::exit(1); // Nothing unsynced is ever answered.
      }
      offset += static_cast<off_t>(bytes.size());
      bytes.clear();
      {
        std::lock_guard<std::mutex> guard{mtx_};
        done_.insert(done_.end(), tickets.begin(), tickets.end());
      }
      tickets.clear();
      uint64_t one = 1;
      if (::write(done_event_, &one, sizeof one) != sizeof one)
        std::perror("eventfd");
    }
  }

 private:
  int file_;
  bool sync_;
  int done_event_;
  std::mutex mtx_;
  std::condition_variable ready_;
  std::string pending_;
  std::vector<ticket> waiting_;
  std::vector<ticket> done_;
};

struct connection {
  uint64_t generation = 0;
  std::string in;
  std::string out;
  bool in_flight = false; // A POST waits for the log: read nothing more.
  bool want_out = false;
};

class server {
 public:
  server(int listener, int done_event, group_log& log)
    : listener_(listener), done_event_(done_event), log_(log) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    watch(listener_, EPOLLIN, EPOLL_CTL_ADD);
    watch(done_event_, EPOLLIN, EPOLL_CTL_ADD);
  }

  void run() {
    epoll_event events[256];
    for (;;) {
      auto n = ::epoll_wait(epoll_, events, 256, -1);
      for (int i = 0; i < n; ++i) {
        auto fd = events[i].data.fd;
        if (fd == listener_)
          accept_all();
        else if (fd == done_event_)
          answer_synced();
        else
          on_socket(fd, events[i].events);
      }
    }
  }

 private:
  void watch(int fd, uint32_t what, int op) {
    epoll_event ev{};
    ev.events = what;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_, op, fd, &ev);
  }

  void accept_all() {
    for (;;) {
      auto fd = ::accept4(listener_, nullptr, nullptr,
                          SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        return;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto& c = conns_[fd];
      c = connection{};
      c.generation = ++generations_;
      watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
  }

  void close_conn(int fd) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns_.erase(fd);
  }

  void on_socket(int fd, uint32_t what) {
    auto i = conns_.find(fd);
    if (i == conns_.end())
      return;
    auto& c = i->second;
    if (what & (EPOLLHUP | EPOLLERR)) {
      close_conn(fd);
      return;
    }
    if (what & EPOLLIN) {
      char buf[16384];
      for (;;) {
        auto got = ::recv(fd, buf, sizeof buf, 0);
        if (got > 0) {
          c.in.append(buf, static_cast<size_t>(got));
          continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
          close_conn(fd);
          return;
        }
        break;
      }
    }
    if (!serve(fd, c) || !flush(fd, c))
      close_conn(fd);
  }

  /// Answers the requests in `c.in` in order; stops at a POST until its
  /// body is synced. False: a malformed request (the connection closes).
  bool serve(int fd, connection& c) {
    while (!c.in_flight) {
      auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos)
        return c.in.size() <= max_head;
      size_t length = 0;
      auto cl = lowercase(c.in.substr(0, end)).find("\ncontent-length:");
      if (cl != std::string::npos)
        length = std::strtoul(c.in.c_str() + cl + 16, nullptr, 10);
      if (length > max_body)
        return false;
      if (c.in.size() < end + 4 + length)
        return true;
      auto post = c.in.compare(0, 5, "POST ") == 0;
      auto body = c.in.substr(end + 4, length);
      c.in.erase(0, end + 4 + length);
      if (post) {
        c.in_flight = true;
        log_.append(body, {fd, c.generation});
      } else {
        c.out += "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                 "Content-Length: 2\r\n\r\nok";
      }
    }
    return true;
  }

  static std::string lowercase(std::string s) {
    for (auto& ch : s)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  bool flush(int fd, connection& c) {
    while (!c.out.empty()) {
      auto sent = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK)
          return false;
        break;
      }
      c.out.erase(0, static_cast<size_t>(sent));
    }
    auto want = !c.out.empty();
    if (want != c.want_out) {
      c.want_out = want;
      watch(fd, want ? EPOLLIN | EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
    }
    return true;
  }

  void answer_synced() {
    uint64_t count = 0;
    if (::read(done_event_, &count, sizeof count) != sizeof count)
      return;
    for (auto t : log_.take_done()) {
      auto i = conns_.find(t.fd);
      if (i == conns_.end() || i->second.generation != t.generation)
        continue; // Closed meanwhile.
      auto& c = i->second;
      auto id = std::to_string(++accepted_);
      auto body = R"({"request_id":")" + id + R"(","status":"accepted"})";
      c.out += "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
               "Content-Length: "
               + std::to_string(body.size()) + "\r\n\r\n" + body;
      c.in_flight = false;
      if (!serve(t.fd, c) || !flush(t.fd, c))
        close_conn(t.fd);
    }
  }

  int listener_;
  int done_event_;
  group_log& log_;
  int epoll_;
  std::map<int, connection> conns_;
  uint64_t generations_ = 0;
  uint64_t accepted_ = 0;
};

bool parse(int argc, char** argv, options& opts) {
  if (argc < 2 || std::strcmp(argv[1], "serve") != 0)
    return false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--port=", 0) == 0)
      opts.port = std::atoi(arg.c_str() + 7);
    else if (arg.rfind("--data-dir=", 0) == 0)
      opts.dir = arg.substr(11);
    else if (arg == "--sync=none")
      opts.sync = false;
    else if (arg.rfind("--", 0) != 0)
      return false;
  }
  return true;
}

/// A file of `log_bytes` written and synced once, so that every later
/// write overwrites allocated blocks (no allocation, no size to sync).
int open_log(const std::string& dir) {
  ::mkdir(dir.c_str(), 0700);
  auto path = dir + "/write-floor.log";
  auto fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    return -1;
  }
  std::vector<char> chunk(1 << 20, 0);
  for (off_t at = 0; at < log_bytes; at += static_cast<off_t>(chunk.size()))
    if (::pwrite(fd, chunk.data(), chunk.size(), at)
        != static_cast<ssize_t>(chunk.size())) {
      std::perror("pwrite");
      return -1;
    }
  if (::fsync(fd) != 0) {
    std::perror("fsync");
    return -1;
  }
  return fd;
}

int listen_on(int port) {
  auto fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0
      || ::listen(fd, 1024) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("listen");
    return -1;
  }
  std::printf("listening on http://127.0.0.1:%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  return fd;
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  if (!parse(argc, argv, opts)) {
    std::fprintf(stderr, "usage: actodo_write_floor serve [--port=0] "
                         "[--data-dir=DIR] [--sync=full|none] ...\n");
    return 2;
  }
  auto file = open_log(opts.dir);
  auto done = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (file < 0 || done < 0)
    return 1;
  auto listener = listen_on(opts.port);
  if (listener < 0)
    return 1;
  group_log log{file, opts.sync, done};
  std::thread writer{[&] { log.run(); }};
  server{listener, done, log}.run();
}
