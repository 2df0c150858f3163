#include "io/redis/redis_subscriber.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

#include "config/error.hpp"
#include "io/redis/redis_connection.hpp"
#include "io/redis/redis_reply.hpp"

namespace actodo::io::redis {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

enum class io_status { ready, woken, timeout, failed };

/// Waits until `fd` is ready for `events` (a negative `fd`: nothing),
/// `wake` is readable or `deadline` passed.
io_status wait_for(int fd, short events, int wake,
                   clock_type::time_point deadline) {
  for (;;) {
    auto left = std::chrono::ceil<milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0)
      return io_status::timeout;
    pollfd fds[2] = {{wake, POLLIN, 0}, {fd, events, 0}};
    auto n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR)
      return io_status::failed;
    if (n > 0 && fds[0].revents != 0)
      return io_status::woken;
    if (n > 0 && fds[1].revents != 0)
      return io_status::ready;
  }
}

struct free_context {
  void operator()(redisContext* ctx) const noexcept {
    redisFree(ctx);
  }
};

/// A non-blocking hiredis context whose waits end when `wake` is readable.
class channel_io {
 public:
  channel_io(int wake, milliseconds timeout) : wake_(wake), timeout_(timeout) {
    // nop
  }

  /// hiredis's last error (or the reason of a timeout).
  const std::string& why() const {
    return why_;
  }

  io_status connect(const redis_endpoint& ep) {
    ctx_.reset(redisConnectNonBlock(ep.host.c_str(), ep.port));
    if (!ctx_ || ctx_->err)
      return failed();
    auto st = wait_for(ctx_->fd, POLLOUT, wake_, deadline());
    if (st != io_status::ready)
      return timed(st);
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(ctx_->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      err = errno;
    if (err != 0) {
      why_ = std::strerror(err);
      return io_status::failed;
    }
    return io_status::ready;
  }

  /// Queues a command (sent by `flush`).
  io_status append(const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (auto& arg : argv) {
      ptrs.push_back(arg.data());
      lens.push_back(arg.size());
    }
    if (redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()),
                               ptrs.data(), lens.data())
        != REDIS_OK)
      return failed();
    return io_status::ready;
  }

  io_status flush() {
    auto until = deadline();
    for (;;) {
      int done = 0;
      if (redisBufferWrite(ctx_.get(), &done) != REDIS_OK)
        return failed();
      if (done)
        return io_status::ready;
      auto st = wait_for(ctx_->fd, POLLOUT, wake_, until);
      if (st != io_status::ready)
        return timed(st);
    }
  }

  /// Reads the next reply, waiting until `until`.
  io_status read(redis_reply& out, clock_type::time_point until) {
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(ctx_.get(), &raw) != REDIS_OK)
        return failed();
      if (raw != nullptr) {
        out = to_reply(static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        return io_status::ready;
      }
      auto st = wait_for(ctx_->fd, POLLIN, wake_, until);
      if (st != io_status::ready)
        return timed(st);
      if (redisBufferRead(ctx_.get()) != REDIS_OK)
        return failed();
    }
  }

  clock_type::time_point deadline() const {
    return clock_type::now() + timeout_;
  }

 private:
  io_status failed() {
    why_ = ctx_ ? ctx_->errstr : "out of memory";
    return io_status::failed;
  }

  io_status timed(io_status st) {
    if (st == io_status::timeout)
      why_ = "no answer within " + std::to_string(timeout_.count()) + " ms";
    else if (st == io_status::failed)
      why_ = std::string{"poll failed: "} + std::strerror(errno);
    return st;
  }

  int wake_;
  milliseconds timeout_;
  std::unique_ptr<redisContext, free_context> ctx_;
  std::string why_;
};

/// Whether `reply` is a push of `kind` (`message`, `subscribe`, `pong`).
bool is_push(const redis_reply& reply, const char* kind, size_t size) {
  return reply.kind == reply_kind::array && reply.elements.size() == size
         && reply.elements[0].text == kind;
}

} // namespace

redis_subscriber::redis_subscriber(redis_endpoint endpoint,
                                   std::vector<std::string> channels,
                                   message_handler on_message,
                                   subscribed_handler on_subscribed,
                                   milliseconds timeout,
                                   milliseconds ping_interval)
  : endpoint_(std::move(endpoint)),
    channels_(std::move(channels)),
    on_message_(std::move(on_message)),
    on_subscribed_(std::move(on_subscribed)),
    timeout_(timeout),
    ping_interval_(ping_interval) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "redis_subscriber: cannot create a pipe");
  try {
    thread_ = std::thread{[this] { run(); }};
  } catch (...) {
    ::close(wake_[0]);
    ::close(wake_[1]);
    throw;
  }
}

redis_subscriber::~redis_subscriber() {
  stop();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void redis_subscriber::stop() {
  if (!stopping_.exchange(true)) {
    char byte = 1;
    // The pipe is empty (one byte is ever written), so this cannot fail.
    [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

caf::error redis_subscriber::last_error() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return last_error_;
}

caf::error redis_subscriber::fail(const std::string& why) {
  auto err = make_retry_error(
    ec::unavailable, "",
    "Redis at " + endpoint_.display + " is unreachable: " + why, 1);
  std::lock_guard<std::mutex> guard{mtx_};
  last_error_ = err;
  return err;
}

void redis_subscriber::run() {
  milliseconds backoff{0};
  while (!stopping_) {
    auto err = session();
    if (subscribed_.exchange(false))
      backoff = milliseconds{0}; // It worked: start the backoff over.
    if (!err)
      continue; // Stopped.
    backoff = next_backoff(backoff);
    wait_for(-1, 0, wake_[0], clock_type::now() + backoff);
  }
}

caf::error redis_subscriber::session() {
  channel_io io{wake_[0], timeout_};
  auto check = [&](io_status st, const std::string& what) -> caf::error {
    if (st == io_status::ready || st == io_status::woken)
      return caf::none;
    return fail(what + ": " + io.why());
  };
  if (auto err = check(io.connect(endpoint_), "cannot connect"))
    return err;
  auto auth = auth_command(endpoint_);
  std::vector<std::string> subscribe{"SUBSCRIBE"};
  subscribe.insert(subscribe.end(), channels_.begin(), channels_.end());
  if (!auth.empty())
    if (auto err = check(io.append(auth), "AUTH failed"))
      return err;
  if (auto err = check(io.append(subscribe), "SUBSCRIBE failed"))
    return err;
  if (auto err = check(io.flush(), "SUBSCRIBE failed"))
    return err;
  // Confirmations first (AUTH's OK, one per channel), then messages.
  size_t pending = channels_.size() + (auth.empty() ? 0 : 1);
  auto ping_due = clock_type::now() + ping_interval_;
  auto ping_sent = false;
  for (;;) {
    if (stopping_)
      return caf::none;
    auto until = pending > 0 || ping_sent ? io.deadline() : ping_due;
    redis_reply reply;
    auto st = io.read(reply, until);
    if (st == io_status::woken)
      return caf::none;
    if (st == io_status::timeout && pending == 0 && !ping_sent) {
      // Idle: make sure the server is still there.
      if (auto err = check(io.append({"PING"}), "PING failed"))
        return err;
      if (auto err = check(io.flush(), "PING failed"))
        return err;
      ping_sent = true;
      continue;
    }
    if (auto err = check(st, pending > 0 ? "SUBSCRIBE failed"
                             : ping_sent ? "PING failed"
                                         : "connection lost"))
      return err;
    ping_due = clock_type::now() + ping_interval_;
    ping_sent = false;
    if (reply.is_error())
      return fail((pending > 0 ? "subscribing failed: " : "error reply: ")
                  + reply.text);
    if (is_push(reply, "message", 3)) {
      if (on_message_)
        on_message_(std::move(reply.elements[1].text),
                    std::move(reply.elements[2].text));
    } else if (pending > 0 && --pending == 0) {
      subscribed_ = true;
      if (on_subscribed_)
        on_subscribed_();
    }
  }
}

} // namespace actodo::io::redis
