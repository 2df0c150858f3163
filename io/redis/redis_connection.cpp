#include "io/redis/redis_connection.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <hiredis/hiredis.h>

#include "config/error.hpp"

namespace actodo::io::redis {

namespace {

/// Seconds a caller is told to wait while Redis is unreachable.
constexpr int64_t retry_seconds = 1;

timeval to_timeval(std::chrono::milliseconds value) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(value.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((value.count() % 1000) * 1000);
  return tv;
}

/// Argument pointers and lengths, as hiredis takes them (binary-safe).
struct argv_view {
  explicit argv_view(const std::vector<std::string>& argv) {
    for (auto& arg : argv) {
      ptrs.push_back(arg.data());
      lens.push_back(arg.size());
    }
  }
  int argc() const {
    return static_cast<int>(ptrs.size());
  }
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
};

} // namespace

std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous) {
  return std::clamp(previous * 2, std::chrono::milliseconds{100},
                    std::chrono::milliseconds{2000});
}

void redis_connection::free_context::operator()(
  redisContext* ctx) const noexcept {
  redisFree(ctx);
}

redis_connection::redis_connection(redis_endpoint endpoint)
  : endpoint_(std::move(endpoint)) {
  // Nothing to do: the first call connects.
}

redis_connection::redis_connection(redis_connection&&) noexcept = default;

redis_connection&
redis_connection::operator=(redis_connection&&) noexcept = default;

redis_connection::~redis_connection() = default;

void redis_connection::timeout(std::chrono::milliseconds value) {
  timeout_ = value;
  if (ctx_)
    redisSetTimeout(ctx_.get(), to_timeval(timeout_));
}

caf::error redis_connection::unavailable(const std::string& why) {
  backoff_ = next_backoff(backoff_);
  next_attempt_ = std::chrono::steady_clock::now() + backoff_;
  last_failure_ = "Redis at " + endpoint_.display + " is unreachable: " + why;
  return make_retry_error(ec::unavailable, "", last_failure_, retry_seconds);
}

caf::error redis_connection::broken(const std::string& what) {
  std::string why = "out of memory";
  if (ctx_) {
    // A blocking read or write that hit the timeout fails with EAGAIN.
    auto timed_out = ctx_->err == REDIS_ERR_IO
                     && std::string{ctx_->errstr} == std::strerror(EAGAIN);
    why = timed_out
            ? "no answer within " + std::to_string(timeout_.count()) + " ms"
            : std::string{ctx_->errstr};
  }
  ctx_.reset();
  return unavailable(what + ": " + why);
}

caf::error redis_connection::ensure() {
  if (ctx_)
    return caf::none;
  if (std::chrono::steady_clock::now() < next_attempt_)
    return make_retry_error(ec::unavailable, "", last_failure_, retry_seconds);
  return open();
}

caf::error redis_connection::open() {
  auto tv = to_timeval(timeout_);
  ctx_.reset(
    redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv));
  if (!ctx_ || ctx_->err)
    return broken("cannot connect");
  if (redisSetTimeout(ctx_.get(), tv) != REDIS_OK)
    return broken("cannot set the timeout");
  redisEnableKeepAlive(ctx_.get());
  std::vector<std::vector<std::string>> setup;
  if (auto auth = auth_command(endpoint_); !auth.empty())
    setup.push_back(std::move(auth));
  if (endpoint_.db != 0)
    setup.push_back({"SELECT", std::to_string(endpoint_.db)});
  for (auto& cmd : setup) {
    argv_view args{cmd};
    auto raw = static_cast<redisReply*>(redisCommandArgv(
      ctx_.get(), args.argc(), args.ptrs.data(), args.lens.data()));
    if (raw == nullptr)
      return broken(cmd[0] + " failed");
    auto reply = to_reply(raw);
    freeReplyObject(raw);
    if (reply.is_error()) {
      // A wrong password or db index: a setting to fix, so it backs off
      // like an outage (the server's text holds no password).
      ctx_.reset();
      return unavailable(cmd[0] + " failed: " + reply.text);
    }
    backoff_ = std::chrono::milliseconds{0};
  }
  ++generation_;
  return caf::none;
}

caf::error
redis_connection::check(const std::vector<std::vector<std::string>>& commands,
                        const std::vector<redis_reply>& replies) {
  // Any reply proves the server talks: the backoff starts over.
  backoff_ = std::chrono::milliseconds{0};
  for (size_t i = 0; i < replies.size(); ++i)
    if (auto err = find_error(replies[i]))
      return caf::make_error(ec::store_failure, "Redis " + commands[i][0]
                                                  + " failed: " + err->text);
  return caf::none;
}

caf::expected<redis_reply>
redis_connection::command(const std::vector<std::string>& argv) {
  auto replies = pipeline({argv});
  if (!replies)
    return std::move(replies.error());
  return std::move(replies->front());
}

caf::expected<std::vector<redis_reply>> redis_connection::pipeline(
  const std::vector<std::vector<std::string>>& commands) {
  for (auto& cmd : commands)
    if (cmd.empty())
      return make_field_error(ec::invalid_field, "argv",
                              "a Redis command must not be empty");
  if (commands.empty())
    return std::vector<redis_reply>{};
  if (auto err = ensure())
    return err;
  for (auto& cmd : commands) {
    argv_view args{cmd};
    if (redisAppendCommandArgv(ctx_.get(), args.argc(), args.ptrs.data(),
                               args.lens.data())
        != REDIS_OK)
      return broken(cmd[0] + " failed");
  }
  std::vector<redis_reply> replies;
  replies.reserve(commands.size());
  for (auto& cmd : commands) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr)
      return broken(cmd[0] + " failed");
    replies.push_back(to_reply(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  if (auto err = check(commands, replies))
    return err;
  return replies;
}

} // namespace actodo::io::redis
