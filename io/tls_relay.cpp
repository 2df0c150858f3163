#include "io/tls_relay.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace actodo::io {

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using local = net::local::stream_protocol;
using error_code = boost::system::error_code;

constexpr size_t chunk = 16 * 1024;

/// One peer. OpenSSL works on the socket itself (no BIO pair, no staging
/// buffers: Asio's ssl::stream reserves ~70 KiB per stream up front), and
/// only once the peer's whole ClientHello has arrived: a silent or slow
/// peer holds a socket and this object, a peer in the handshake an SSL
/// object besides. After the handshake: two pumps (peer -> node, node ->
/// peer), one buffer each.
class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(tcp::socket sock, SSL_CTX* ctx, const tls_relay_settings& cfg,
             std::atomic<size_t>& count)
    : sock_(std::move(sock)),
      ctx_(ctx),
      node_(sock_.get_executor()),
      timer_(sock_.get_executor()),
      poll_(sock_.get_executor()),
      cfg_(cfg),
      count_(count) {
    ++count_;
  }

  ~connection() {
    SSL_free(ssl_); // Null-safe.
    --count_;
  }

  void start() {
    timer_.expires_after(cfg_.handshake_timeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && !self->up_)
        self->close();
    });
    wait_for_hello();
  }

 private:
  /// Largest first record (the ClientHello) a peer may send: TLS's record
  /// limit. It waits in the kernel's receive buffer, not in ours.
  static constexpr size_t max_hello = 16 * 1024;

  /// The SSL object only once the peer's first TLS record is complete in
  /// the kernel's receive buffer: a silent or slow peer, or one that sends
  /// anything but a TLS handshake record (a BASP header), costs a socket
  /// and this object, never OpenSSL's buffers.
  void wait_for_hello() {
    sock_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](error_code ec) {
                       if (ec)
                         return self->close();
                       self->peek_hello();
                     });
  }

  void peek_hello() {
    if (closed_)
      return;
    auto fd = sock_.native_handle();
    std::array<unsigned char, 5> head{};
    auto n = ::recv(fd, head.data(), head.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      return close();
    if (n >= 1 && head[0] != 0x16) // Not a TLS handshake record.
      return close();
    if (n == static_cast<ssize_t>(head.size())) {
      auto len = (size_t{head[3]} << 8) | head[4];
      if (len == 0 || len > max_hello)
        return close();
      int queued = 0;
      if (::ioctl(fd, FIONREAD, &queued) == 0
          && static_cast<size_t>(queued) >= head.size() + len)
        return begin_handshake();
    }
    // Part of the record: the socket stays readable, so waiting for
    // readiness would spin; look again shortly (the handshake deadline
    // ends this).
    poll_.expires_after(std::chrono::milliseconds(50));
    poll_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec)
        self->peek_hello();
    });
  }

  /// Waits until the socket is ready for what OpenSSL asked, then `retry`;
  /// false: a real error (the connection is closed).
  template<class F>
  bool wait_for(int ret, F retry) {
    auto what = SSL_get_error(ssl_, ret);
    if (what != SSL_ERROR_WANT_READ && what != SSL_ERROR_WANT_WRITE) {
      close();
      return false;
    }
    auto kind = what == SSL_ERROR_WANT_READ ? tcp::socket::wait_read
                                            : tcp::socket::wait_write;
    sock_.async_wait(kind, [self = shared_from_this(), retry](error_code ec) {
      if (ec)
        return self->close();
      retry();
    });
    return true;
  }

  void begin_handshake() {
    error_code ec;
    sock_.non_blocking(true, ec);
    ssl_ = closed_ || ec ? nullptr : SSL_new(ctx_);
    if (ssl_ == nullptr
        || SSL_set_fd(ssl_, static_cast<int>(sock_.native_handle())) != 1)
      return close();
    SSL_set_accept_state(ssl_);
    handshake();
  }

  void handshake() {
    if (closed_)
      return;
    // OpenSSL's error queue is per thread and shared by every connection
    // of the relay: a peer's failed handshake must not make the next
    // SSL_get_error of another connection report SSL_ERROR_SSL.
    ERR_clear_error();
    auto ret = SSL_do_handshake(ssl_);
    if (ret != 1) {
      wait_for(ret, [self = shared_from_this()] { self->handshake(); });
      return;
    }
    timer_.cancel();
    up_ = std::make_unique<std::array<char, chunk>>();
    down_ = std::make_unique<std::array<char, chunk>>();
    node_.async_connect(local::endpoint{cfg_.target},
                        [self = shared_from_this()](error_code ec) {
                          if (ec)
                            return self->close();
                          self->read_peer();
                          self->read_node();
                        });
  }

  void read_peer() {
    if (closed_)
      return;
    ERR_clear_error();
    auto ret = SSL_read(ssl_, up_->data(), static_cast<int>(chunk));
    if (ret <= 0) {
      wait_for(ret, [self = shared_from_this()] { self->read_peer(); });
      return;
    }
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

  /// Writes `n` bytes of `down_` (OpenSSL wants the same arguments again
  /// after a WANT_*; with partial writes off, SSL_write takes all or none).
  void write_peer(size_t n) {
    if (closed_)
      return;
    ERR_clear_error();
    auto ret = SSL_write(ssl_, down_->data(), static_cast<int>(n));
    if (ret <= 0) {
      wait_for(ret, [self = shared_from_this(), n] { self->write_peer(n); });
      return;
    }
    read_node();
  }

  void close() {
    if (closed_)
      return;
    closed_ = true;
    ERR_clear_error();
    error_code ignored;
    timer_.cancel();
    poll_.cancel();
    sock_.shutdown(tcp::socket::shutdown_both, ignored);
    sock_.close(ignored);
    node_.close(ignored);
  }

  tcp::socket sock_;
  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
  local::socket node_;
  net::steady_timer timer_;
  net::steady_timer poll_;
  const tls_relay_settings& cfg_;
  std::atomic<size_t>& count_;
  bool closed_ = false;
  std::unique_ptr<std::array<char, chunk>> up_;
  std::unique_ptr<std::array<char, chunk>> down_;
};

} // namespace

struct tls_relay::impl {
  explicit impl(tls_relay_settings s)
    : cfg(std::move(s)),
      ctx(ssl::context::tls_server),
      acceptor(ioc),
      backoff(ioc) {}

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket sock) {
      if (ec == net::error::operation_aborted)
        return;
      if (ec) {
        // E.g. out of file descriptors: try again later, not in a loop.
        backoff.expires_after(std::chrono::milliseconds(100));
        backoff.async_wait([this](error_code ec) {
          if (!ec)
            accept();
        });
        return;
      }
      // Small, latency-bound messages (BASP, console): no Nagle.
      error_code ignored;
      sock.set_option(tcp::no_delay(true), ignored);
      if (count < cfg.max_connections)
        std::make_shared<connection>(std::move(sock), ctx.native_handle(), cfg,
                                     count)
          ->start();
      accept(); // Too many: `sock` closes as it goes out of scope.
    });
  }

  // Destroyed bottom-up: the io_context (and with it every connection)
  // before the count, context and settings the connections refer to.
  tls_relay_settings cfg;
  ssl::context ctx;
  std::atomic<size_t> count{0};
  net::io_context ioc{1};
  tcp::acceptor acceptor;
  net::steady_timer backoff;
  std::thread thread;
};

tls_relay::tls_relay(tls_relay_settings settings)
  : impl_(std::make_unique<impl>(std::move(settings))) {}

tls_relay::~tls_relay() {
  stop();
}

bool tls_relay::start(std::string& error) {
  auto& d = *impl_;
  error_code ec;
  d.ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                      | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                      | ssl::context::no_tlsv1_1,
                    ec);
  if (!ec)
    d.ctx.use_certificate_chain_file(d.cfg.files.certificate, ec);
  if (!ec)
    d.ctx.use_private_key_file(d.cfg.files.key, ssl::context::pem, ec);
  if (!ec)
    d.ctx.load_verify_file(d.cfg.files.ca, ec);
  if (!ec)
    d.ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert,
                          ec);
  if (ec) {
    error = "TLS set-up: " + ec.message();
    return false;
  }
  // OpenSSL writes to the socket with write(2): a peer that has gone away
  // must cost an EPIPE, not the process (SIGPIPE's default action).
  std::signal(SIGPIPE, SIG_IGN);
  // Idle connections give their 16 KiB record buffers back.
  SSL_CTX_set_mode(d.ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  auto addr = net::ip::make_address(d.cfg.host, ec);
  tcp::endpoint ep{addr, d.cfg.port};
  if (!ec)
    d.acceptor.open(ep.protocol(), ec);
  if (!ec)
    d.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec)
    d.acceptor.bind(ep, ec);
  if (!ec)
    d.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + d.cfg.host + ':' + std::to_string(d.cfg.port)
            + ": " + ec.message();
    return false;
  }
  d.accept();
  d.thread = std::thread{[&d] { d.ioc.run(); }};
  return true;
}

uint16_t tls_relay::port() const {
  error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void tls_relay::stop() {
  if (!impl_ || !impl_->thread.joinable())
    return;
  impl_->ioc.stop();
  impl_->thread.join();
}

} // namespace actodo::io
