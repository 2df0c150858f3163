#include "io/local_publish.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "caf/atom.hpp"
#include "caf/io/basp_broker.hpp"
#include "caf/io/middleman.hpp"
#include "caf/io/middleman_actor_impl.hpp"
#include "caf/io/network/default_multiplexer.hpp"
#include "caf/io/network/doorman_impl.hpp"
#include "caf/io/network/scribe_impl.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/sec.hpp"

#include "io/local_servants.hpp"

namespace actodo::io {

namespace {

/// BASP uses the doorman's port to find the published actor and sends it in
/// its handshake; CAF 0.17.6 cannot tell the address of a Unix socket.
class local_doorman : public caf::io::network::doorman_impl {
 public:
  using doorman_impl::doorman_impl;

  bool new_connection() override {
    if (detached())
      return false; // Closed during the accept.
    auto& mx = acceptor_.backend();
    auto ptr = caf::make_counted<local_scribe>(mx, acceptor_.accepted_socket());
    auto hdl = ptr->hdl();
    parent()->add_scribe(std::move(ptr));
    return doorman::new_connection(&mx, hdl);
  }

  std::string addr() const override {
    return "localhost";
  }

  uint16_t port() const override {
    return 0;
  }
};

/// The middleman actor with one change: `open` hands out a doorman for an
/// already listening socket instead of binding a TCP port (the way
/// libcaf_openssl swaps in its own servants).
class local_middleman_actor : public caf::io::middleman_actor_impl {
 public:
  local_middleman_actor(caf::actor_config& cfg, caf::actor broker, int fd)
    : caf::io::middleman_actor_impl(cfg, std::move(broker)), fd_(fd) {}

  ~local_middleman_actor() override {
    if (fd_ >= 0)
      ::close(fd_);
  }

 protected:
  caf::expected<caf::io::doorman_ptr> open(uint16_t, const char*,
                                           bool) override {
    if (fd_ < 0)
      return caf::make_error(caf::sec::cannot_open_port);
    auto fd = fd_;
    fd_ = -1;
    auto& mx = static_cast<caf::io::network::default_multiplexer&>(
      system().middleman().backend());
    return caf::io::doorman_ptr{caf::make_counted<local_doorman>(mx, fd)};
  }

 private:
  int fd_;
};

caf::error fail(const std::string& what) {
  return caf::make_error(caf::sec::cannot_open_port,
                         what + ": " + std::strerror(errno));
}

} // namespace

caf::error publish_local(caf::actor_system& sys, caf::strong_actor_ptr whom,
                         std::set<std::string> sigs, const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path))
    return caf::make_error(caf::sec::cannot_open_port,
                           "socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  auto fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return fail("socket");
  ::unlink(path.c_str()); // A previous run's (the data dir is locked).
  // Listening only after the chmod: nobody connects in between.
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || ::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 64) != 0) {
    auto err = fail("cannot listen on " + path);
    ::close(fd);
    return err;
  }
  auto broker = sys.middleman().named_broker<caf::io::basp_broker>(
    caf::atom("BASP"));
  auto mm = sys.spawn<local_middleman_actor, caf::hidden>(broker, fd);
  caf::error result;
  caf::scoped_actor self{sys};
  self
    ->request(mm, std::chrono::seconds(10), caf::publish_atom::value,
              uint16_t{0}, std::move(whom), std::move(sigs), std::string{},
              false)
    .receive([](uint16_t) {},
             [&](caf::error& err) { result = std::move(err); });
  self->send_exit(mm, caf::exit_reason::user_shutdown);
  return result;
}

} // namespace actodo::io
