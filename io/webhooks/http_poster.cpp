#include "io/webhooks/http_poster.hpp"

#include <cstdlib>
#include <iostream>
#include <openssl/ssl.h>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "io/webhooks/rules.hpp"

namespace actodo::io::webhooks {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

/// Response bodies are read up to this size (the rest is dropped).
constexpr uint64_t read_limit = 64 * 1024;

std::string host_header(const target_url& t) {
  auto host = t.host.find(':') != std::string::npos ? "[" + t.host + "]"
                                                    : t.host;
  auto default_port = t.tls ? "443" : "80";
  return t.port == default_port ? host : host + ":" + t.port;
}

/// One POST (or only the resolve-and-vet step of one), from the resolver
/// to the last byte read, under one deadline.
template<class Stream>
class exchange : public std::enable_shared_from_this<exchange<Stream>> {
 public:
  using callback = std::function<void(post_result)>;

  exchange(net::io_context& ioc, Stream stream, const poster_settings& cfg,
           target_url target, post_request req, bool only_vet, callback done)
    : resolver_(ioc),
      deadline_(ioc),
      stream_(std::move(stream)),
      cfg_(cfg),
      target_(std::move(target)),
      req_(std::move(req)),
      only_vet_(only_vet),
      done_(std::move(done)) {}

  void start() {
    started_ = clock_type::now();
    deadline_at_ = started_ + cfg_.timeout;
    deadline_.expires_at(deadline_at_);
    deadline_.async_wait(
      [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec)
          self->expire();
      });
    // An address needs no lookup: it never waits behind another host's
    // in the resolver's one thread (a name server that does not answer).
    beast::error_code not_ip;
    auto addr = net::ip::make_address(target_.host, not_ip);
    auto port = std::strtoul(target_.port.c_str(), nullptr, 10);
    if (!not_ip && port > 0 && port < 65536) {
      net::post(deadline_.get_executor(),
                [self = this->shared_from_this(),
                 ep = tcp::endpoint{addr, static_cast<uint16_t>(port)}] {
                  self->on_resolve({}, {ep});
                });
      return;
    }
    resolver_.async_resolve(
      target_.host, target_.port,
      [self = this->shared_from_this()](beast::error_code ec,
                                        tcp::resolver::results_type rs) {
        std::vector<tcp::endpoint> eps;
        for (auto& r : rs)
          eps.push_back(r.endpoint());
        self->on_resolve(ec, std::move(eps));
      });
  }

 private:
  void expire() {
    timed_out_ = true;
    resolver_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  void on_resolve(beast::error_code ec, std::vector<tcp::endpoint> eps) {
    // The deadline may have passed while this result was queued.
    if (ec || timed_out_)
      return fail(ec, "resolve " + target_.host);
    std::vector<tcp::endpoint> vetted;
    std::string refused;
    for (auto& ep : eps) {
      auto addr = ep.address().to_string();
      if (!cfg_.allow_private && forbidden_address(addr))
        refused = addr;
      else
        vetted.push_back(ep);
    }
    if (vetted.empty()) {
      auto why = refused.empty() ? target_.host + " resolves to no address"
                                 : target_.host + " resolves to " + refused
                                     + ", a loopback, private, link-local or "
                                       "multicast address";
      return finish(0, why);
    }
    if (only_vet_)
      return finish(0, "");
    // From here the stream's own expiry bounds connect, handshake, write
    // and read by the same deadline.
    beast::get_lowest_layer(stream_).expires_at(deadline_at_);
    beast::get_lowest_layer(stream_).async_connect(
      vetted, [self = this->shared_from_this()](beast::error_code ec,
                                                const tcp::endpoint&) {
        self->on_connect(ec);
      });
  }

  void on_connect(beast::error_code ec) {
    if (ec)
      return fail(ec, "connect to " + host_header(target_));
    if constexpr (std::is_same_v<Stream,
                                 beast::ssl_stream<beast::tcp_stream>>) {
      // SNI names hosts, never addresses (RFC 6066, 3).
      beast::error_code not_ip;
      net::ip::make_address(target_.host, not_ip);
      if (not_ip
          && !SSL_set_tlsext_host_name(stream_.native_handle(),
                                       target_.host.c_str()))
        return finish(0, "TLS: cannot set the server name");
      stream_.set_verify_callback(ssl::host_name_verification(target_.host));
      stream_.async_handshake(
        ssl::stream_base::client,
        [self = this->shared_from_this()](beast::error_code ec) {
          if (ec)
            return self->fail(ec, "TLS handshake with " + self->target_.host);
          self->write();
        });
    } else {
      write();
    }
  }

  void write() {
    request_.method(http::verb::post);
    request_.target(target_.target);
    request_.version(11);
    request_.set(http::field::host, host_header(target_));
    request_.set(http::field::user_agent, "actodo-webhooks/1");
    request_.set(http::field::content_type, req_.content_type);
    request_.set(http::field::connection, "close");
    for (auto& [name, value] : req_.headers)
      request_.set(name, value);
    request_.body() = std::move(req_.body);
    request_.prepare_payload();
    http::async_write(stream_, request_,
                      [self = this->shared_from_this()](beast::error_code ec,
                                                        size_t) {
                        if (ec)
                          return self->fail(ec, "send");
                        self->read_header();
                      });
  }

  void read_header() {
    parser_.body_limit(read_limit);
    http::async_read_header(
      stream_, buffer_, parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        if (ec)
          return self->fail(ec, "read the response");
        self->status_ = static_cast<int32_t>(self->parser_.get().result_int());
        self->read_body();
      });
  }

  void read_body() {
    http::async_read(stream_, buffer_, parser_,
                     [self = this->shared_from_this()](beast::error_code,
                                                       size_t) {
                       // The status is what counts; a body that ends early
                       // or is too long is kept as far as it was read.
                       self->finish(self->status_, "");
                     });
  }

  void fail(beast::error_code ec, const std::string& what) {
    if (timed_out_ || ec == beast::error::timeout)
      return finish(0, "timeout after " + std::to_string(cfg_.timeout.count())
                         + " ms");
    finish(0, what + ": " + ec.message());
  }

  void finish(int32_t status, std::string error) {
    if (finished_)
      return;
    finished_ = true;
    deadline_.cancel();
    post_result r;
    r.status = status;
    r.error = std::move(error);
    if (status != 0) {
      auto& body = parser_.get().body();
      r.body = printable_utf8(body, cfg_.max_body);
    }
    r.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     clock_type::now() - started_)
                     .count();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(
      tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
    auto done = std::move(done_);
    done(std::move(r));
  }

  tcp::resolver resolver_;
  net::steady_timer deadline_;
  Stream stream_;
  const poster_settings& cfg_;
  target_url target_;
  post_request req_;
  bool only_vet_;
  callback done_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  beast::flat_buffer buffer_;
  clock_type::time_point started_;
  clock_type::time_point deadline_at_;
  int32_t status_ = 0;
  bool timed_out_ = false;
  bool finished_ = false;
};

} // namespace

struct http_poster::impl {
  explicit impl(poster_settings settings)
    : cfg(settings), work(net::make_work_guard(ioc)) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
    thread = std::thread{[this] { ioc.run(); }};
  }

  void start(const std::string& url, bool only_vet, post_request req,
             std::function<void(post_result)> done) {
    std::string why;
    auto target = parse_url(url, &why);
    if (!target) {
      post_result r;
      r.error = "url " + why;
      net::post(ioc, [done, r] { done(r); });
      return;
    }
    net::post(ioc, [this, t = std::move(*target), req = std::move(req),
                    done = std::move(done), only_vet]() mutable {
      if (t.tls && !only_vet)
        std::make_shared<exchange<beast::ssl_stream<beast::tcp_stream>>>(
          ioc, beast::ssl_stream<beast::tcp_stream>{ioc, tls}, cfg,
          std::move(t), std::move(req), false, std::move(done))
          ->start();
      else
        std::make_shared<exchange<beast::tcp_stream>>(
          ioc, beast::tcp_stream{ioc}, cfg, std::move(t), std::move(req),
          only_vet, std::move(done))
          ->start();
    });
  }

  poster_settings cfg;
  // Before the io_context: exchanges still queued there hold streams of it.
  ssl::context tls{ssl::context::tls_client};
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> work;
  std::thread thread;
};

http_poster::http_poster(poster_settings cfg)
  : impl_(std::make_unique<impl>(cfg)) {}

http_poster::~http_poster() {
  stop();
}

void http_poster::post(post_request req, post_callback done) {
  auto url = req.url;
  impl_->start(url, false, std::move(req), std::move(done));
}

void http_poster::vet(std::string url, vet_callback done) {
  impl_->start(url, true, post_request{},
               [done = std::move(done)](post_result r) {
                 done(std::move(r.error));
               });
}

void http_poster::stop() {
  if (!impl_->thread.joinable())
    return;
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

} // namespace actodo::io::webhooks
