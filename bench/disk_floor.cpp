// actodo_disk_floor: what one commit costs this machine's disk and kernel
// before SQLite does any work. It writes a file the way SQLite's WAL is
// written (a 24-byte frame header and a page, each its own pwrite, over a
// region written and synced beforehand, so that no commit changes the file's
// size, as with a reused WAL) and the same bytes in one pwrite, with and
// without an fdatasync per commit. It prints the wall time per commit (p50,
// p99) and the mean CPU time per commit.
// bench/RESULTS.md uses it to bound what a commit can cost at the least.
//
//   actodo_disk_floor [--dir=DIR] [--commits=300] [--frames=165]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr size_t page_bytes = 4096;
constexpr size_t header_bytes = 24;
constexpr size_t frame_bytes = header_bytes + page_bytes;
constexpr off_t reuse_after = 32 << 20; // The WAL restarts from its start.

struct options {
  std::string dir = "/tmp";
  int commits = 300;
  int frames = 165;
};

double thread_cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_THREAD, &r);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec * 1e-6; };
  return seconds(r.ru_utime) + seconds(r.ru_stime);
}

struct pattern {
  std::string name;
  int frames;
  bool gathered;
  bool sync;
};

// Writes `p.frames` frames per commit at the file's running offset and
// returns false on an I/O error (printed).
bool write_commit(int fd, const pattern& p, const std::vector<char>& buf,
                  off_t& offset) {
  auto put = [&](const char* data, size_t n) {
    if (::pwrite(fd, data, n, offset) != static_cast<ssize_t>(n)) {
      std::perror("pwrite");
      return false;
    }
    offset += static_cast<off_t>(n);
    return true;
  };
  if (p.gathered) {
    if (!put(buf.data(), frame_bytes * p.frames))
      return false;
  } else {
    for (int f = 0; f < p.frames; ++f)
      if (!put(buf.data(), header_bytes)
          || !put(buf.data() + header_bytes, page_bytes))
        return false;
  }
  if (p.sync && ::fdatasync(fd) != 0) {
    std::perror("fdatasync");
    return false;
  }
  if (offset > reuse_after)
    offset = 0;
  return true;
}

bool run(int fd, const pattern& p, int commits) {
  std::vector<char> buf(frame_bytes * std::max(p.frames, 1), 'w');
  std::vector<double> wall_ms;
  off_t offset = 0;
  auto cpu_before = thread_cpu_seconds();
  for (int i = 0; i < commits; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (!write_commit(fd, p, buf, offset))
      return false;
    std::chrono::duration<double, std::milli>
      took = std::chrono::steady_clock::now() - start;
    wall_ms.push_back(took.count());
  }
  auto cpu_ms = (thread_cpu_seconds() - cpu_before) * 1e3 / commits;
  std::sort(wall_ms.begin(), wall_ms.end());
  auto at = [&](double q) {
    return wall_ms[std::min(wall_ms.size() - 1,
                            static_cast<size_t>(q * wall_ms.size()))];
  };
  std::printf("%-44s wall p50 %6.3f  p99 %6.3f ms   cpu mean %6.3f ms\n",
              p.name.c_str(), at(0.5), at(0.99), cpu_ms);
  return true;
}

// Writes the whole region the patterns use and syncs it, so that every
// pattern overwrites allocated blocks of a file whose size stays the same,
// as a reused WAL does (no block allocation, no size change to sync).
bool preallocate(int fd, int frames) {
  std::vector<char> chunk(1 << 20, 'p');
  auto end = reuse_after + static_cast<off_t>(frame_bytes) * frames;
  for (off_t at = 0; at < end; at += static_cast<off_t>(chunk.size()))
    if (::pwrite(fd, chunk.data(), chunk.size(), at)
        != static_cast<ssize_t>(chunk.size())) {
      std::perror("pwrite");
      return false;
    }
  if (::fsync(fd) != 0) {
    std::perror("fsync");
    return false;
  }
  return true;
}

bool number(const char* text, int& out) {
  char* end = nullptr;
  auto n = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || n < 1 || n > 100000) {
    std::fprintf(stderr, "not a number from 1 to 100000: %s\n", text);
    return false;
  }
  out = static_cast<int>(n);
  return true;
}

bool parse(int argc, char** argv, options& opts) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      auto n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (auto v = value("--dir=")) {
      opts.dir = v;
    } else if (auto v = value("--commits=")) {
      if (!number(v, opts.commits))
        return false;
    } else if (auto v = value("--frames=")) {
      if (!number(v, opts.frames))
        return false;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  if (!parse(argc, argv, opts)) {
    std::fprintf(stderr, "usage: actodo_disk_floor [--dir=DIR] "
                         "[--commits=300] [--frames=165]\n");
    return 2;
  }
  auto path = opts.dir + "/actodo-disk-floor-" + std::to_string(::getpid());
  auto fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  ::unlink(path.c_str()); // Gone when the descriptor closes.
  auto frames = std::to_string(opts.frames) + " frames";
  auto split = frames + ", 2 pwrites each";
  auto one = frames + ", one pwrite";
  const pattern patterns[] = {
    {"1 frame, one pwrite + fdatasync", 1, true, true},
    {split, opts.frames, false, false},
    {split + " + fdatasync", opts.frames, false, true},
    {one, opts.frames, true, false},
    {one + " + fdatasync", opts.frames, true, true},
  };
  std::printf("%d commits each, in %s\n", opts.commits, opts.dir.c_str());
  auto ok = preallocate(fd, opts.frames);
  for (auto& p : patterns) {
    // What one pattern left unsynced is not the next one's to flush.
    ok = ok && ::fdatasync(fd) == 0 && run(fd, p, opts.commits);
  }
  ::close(fd);
  return ok ? 0 : 1;
}
