#include "io/cluster/tls_dialer.hpp"

#include <array>
#include <csignal>
#include <future>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "caf/io/basp_broker.hpp"
#include "caf/io/middleman.hpp"
#include "caf/io/middleman_actor_impl.hpp"
#include "caf/io/network/default_multiplexer.hpp"
#include "caf/sec.hpp"
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "io/local_servants.hpp"

namespace actodo::io::cluster {

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using local = net::local::stream_protocol;
using error_code = boost::system::error_code;

constexpr size_t chunk = 16 * 1024;

/// One link: TCP + TLS to the peer on one side, the relay's end of a
/// socket pair on the other. OpenSSL works on the socket itself, as in
/// `tls_relay`, and clears the thread's error queue before every call.
class link : public std::enable_shared_from_this<link> {
 public:
  link(net::io_context& ioc, SSL_CTX* ctx, std::promise<caf::expected<int>> p)
    : sock_(ioc), node_(ioc), timer_(ioc), ctx_(ctx), done_(std::move(p)) {}

  ~link() {
    SSL_free(ssl_);
  }

  void start(const std::string& host, uint16_t port,
             std::chrono::seconds timeout) {
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && !self->answered_)
        self->fail("TLS handshake timed out");
    });
    error_code ec;
    auto addr = net::ip::make_address(host, ec);
    if (ec) {
      // A name (e.g. a pod's DNS name): resolve it.
      auto res = std::make_shared<tcp::resolver>(sock_.get_executor());
      res->async_resolve(
        host, std::to_string(port),
        [self = shared_from_this(), res](error_code ec,
                                         tcp::resolver::results_type r) {
          if (ec)
            return self->fail("cannot resolve: " + ec.message());
          net::async_connect(self->sock_, r,
                             [self](error_code ec, const tcp::endpoint&) {
                               self->connected(ec);
                             });
        });
      return;
    }
    sock_.async_connect(tcp::endpoint{addr, port},
                        [self = shared_from_this()](error_code ec) {
                          self->connected(ec);
                        });
  }

 private:
  void connected(error_code ec) {
    if (ec)
      return fail("cannot connect: " + ec.message());
    // BASP messages are small and latency-bound: no Nagle (with delayed
    // ACKs it held frames back by up to 40 ms).
    sock_.set_option(tcp::no_delay(true), ec);
    sock_.non_blocking(true, ec);
    ssl_ = ec ? nullptr : SSL_new(ctx_);
    if (ssl_ == nullptr
        || SSL_set_fd(ssl_, static_cast<int>(sock_.native_handle())) != 1)
      return fail("cannot create the TLS session");
    SSL_set_connect_state(ssl_);
    handshake();
  }

  template<class F>
  void wait_for(int ret, F retry) {
    auto what = SSL_get_error(ssl_, ret);
    if (what != SSL_ERROR_WANT_READ && what != SSL_ERROR_WANT_WRITE) {
      char buf[256] = "";
      if (auto err = ERR_get_error())
        ERR_error_string_n(err, buf, sizeof buf);
      return fail(std::string{"TLS: "} + (buf[0] ? buf : "connection closed"));
    }
    auto kind = what == SSL_ERROR_WANT_READ ? tcp::socket::wait_read
                                            : tcp::socket::wait_write;
    sock_.async_wait(kind, [self = shared_from_this(), retry](error_code ec) {
      if (ec)
        return self->fail("connection closed");
      retry();
    });
  }

  void handshake() {
    if (closed_)
      return;
    ERR_clear_error();
    auto ret = SSL_do_handshake(ssl_);
    if (ret != 1)
      return wait_for(ret, [self = shared_from_this()] { self->handshake(); });
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
      return fail("socketpair failed");
    error_code ec;
    node_.assign(local{}, pair[0], ec);
    if (ec) {
      ::close(pair[0]);
      ::close(pair[1]);
      return fail("cannot use the socket pair");
    }
    timer_.cancel();
    answered_ = true;
    done_.set_value(pair[1]);
    up_ = std::make_unique<std::array<char, chunk>>();
    down_ = std::make_unique<std::array<char, chunk>>();
    read_peer();
    read_node();
  }

  void read_peer() {
    if (closed_)
      return;
    ERR_clear_error();
    auto ret = SSL_read(ssl_, up_->data(), static_cast<int>(chunk));
    if (ret <= 0)
      return wait_for(ret, [self = shared_from_this()] { self->read_peer(); });
    net::async_write(node_, net::buffer(*up_, static_cast<size_t>(ret)),
                     [self = shared_from_this()](error_code ec, size_t) {
                       if (ec)
                         return self->close();
                       self->read_peer();
                     });
  }

  void read_node() {
    node_.async_read_some(net::buffer(*down_),
                          [self = shared_from_this()](error_code ec, size_t n) {
                            if (ec)
                              return self->close();
                            self->write_peer(n);
                          });
  }

  void write_peer(size_t n) {
    if (closed_)
      return;
    ERR_clear_error();
    auto ret = SSL_write(ssl_, down_->data(), static_cast<int>(n));
    if (ret <= 0)
      return wait_for(ret,
                      [self = shared_from_this(), n] { self->write_peer(n); });
    read_node();
  }

  void fail(const std::string& why) {
    if (!answered_) {
      answered_ = true;
      done_.set_value(caf::make_error(caf::sec::cannot_connect_to_node, why));
    }
    close();
  }

  void close() {
    if (closed_)
      return;
    closed_ = true;
    ERR_clear_error();
    error_code ignored;
    timer_.cancel();
    sock_.shutdown(tcp::socket::shutdown_both, ignored);
    sock_.close(ignored);
    node_.close(ignored);
  }

  tcp::socket sock_;
  local::socket node_;
  net::steady_timer timer_;
  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
  std::promise<caf::expected<int>> done_;
  bool answered_ = false;
  bool closed_ = false;
  std::unique_ptr<std::array<char, chunk>> up_;
  std::unique_ptr<std::array<char, chunk>> down_;
};

/// CAF's middleman actor with one change: `connect` dials through the
/// `tls_dialer` (the way libcaf_openssl swaps in its own servants).
class tls_connector : public caf::io::middleman_actor_impl {
 public:
  tls_connector(caf::actor_config& cfg, caf::actor broker,
                std::shared_ptr<tls_dialer> dialer)
    : caf::io::middleman_actor_impl(cfg, std::move(broker)),
      dialer_(std::move(dialer)) {}

 protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host,
                                             uint16_t port) override {
    auto fd = dialer_->dial(host, port);
    if (!fd)
      return std::move(fd.error());
    auto& mx = static_cast<caf::io::network::default_multiplexer&>(
      system().middleman().backend());
    return caf::io::scribe_ptr{caf::make_counted<local_scribe>(mx, *fd)};
  }

 private:
  std::shared_ptr<tls_dialer> dialer_;
};

} // namespace

struct tls_dialer::impl {
  impl(config::tls_files f, std::chrono::seconds t)
    : files(std::move(f)), timeout(t), ctx(ssl::context::tls_client) {}

  config::tls_files files;
  std::chrono::seconds timeout;
  ssl::context ctx;
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> work{
    ioc.get_executor()};
  std::thread thread;
};

tls_dialer::tls_dialer(config::tls_files files, std::chrono::seconds timeout)
  : impl_(std::make_unique<impl>(std::move(files), timeout)) {}

tls_dialer::~tls_dialer() {
  stop();
}

caf::error tls_dialer::start() {
  auto& d = *impl_;
  error_code ec;
  d.ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                      | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                      | ssl::context::no_tlsv1_1,
                    ec);
  if (!ec)
    d.ctx.use_certificate_chain_file(d.files.certificate, ec);
  if (!ec)
    d.ctx.use_private_key_file(d.files.key, ssl::context::pem, ec);
  if (!ec)
    d.ctx.load_verify_file(d.files.ca, ec);
  if (!ec)
    d.ctx.set_verify_mode(ssl::verify_peer, ec);
  if (ec)
    return caf::make_error(caf::sec::invalid_argument,
                           "cluster TLS set-up: " + ec.message());
  std::signal(SIGPIPE, SIG_IGN);
  SSL_CTX_set_mode(d.ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  d.thread = std::thread{[&d] { d.ioc.run(); }};
  return caf::none;
}

caf::expected<int> tls_dialer::dial(const std::string& host, uint16_t port) {
  auto& d = *impl_;
  std::promise<caf::expected<int>> p;
  auto result = p.get_future();
  net::post(d.ioc, [&d, host, port, p = std::move(p)]() mutable {
    std::make_shared<link>(d.ioc, d.ctx.native_handle(), std::move(p))
      ->start(host, port, d.timeout);
  });
  if (result.wait_for(d.timeout + std::chrono::seconds(1))
      != std::future_status::ready)
    return caf::make_error(caf::sec::cannot_connect_to_node,
                           "the TLS dialer did not answer");
  try {
    return result.get();
  } catch (const std::future_error&) { // The dialer stopped meanwhile.
    return caf::make_error(caf::sec::cannot_connect_to_node,
                           "the TLS dialer stopped");
  }
}

void tls_dialer::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  impl_->ioc.stop();
  impl_->thread.join();
}

caf::io::middleman_actor
spawn_tls_connector(caf::actor_system& sys,
                    std::shared_ptr<tls_dialer> dialer) {
  auto broker = sys.middleman().named_broker<caf::io::basp_broker>(
    caf::atom("BASP"));
  return sys.spawn<tls_connector, caf::hidden + caf::detached>(
    std::move(broker), std::move(dialer));
}

} // namespace actodo::io::cluster
