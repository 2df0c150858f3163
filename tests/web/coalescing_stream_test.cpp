#define CAF_SUITE web.coalescing_stream

// The write layer under every WebSocket (web/coalescing_stream.hpp), over
// real loopback sockets: a corked burst leaves in one socket write and in
// order, a client that does not read holds writes back instead of growing
// the buffer, and a WebSocket close sends what was gathered first.

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"
#include <boost/asio/read.hpp>

#include "web/beast.hpp"
#include "web/coalescing_stream.hpp"

using namespace actodo::web;

namespace {

using stream_type = coalescing_stream<beast::tcp_stream>;

/// A connected pair on 127.0.0.1: the server end on `ioc`'s strand, the
/// client end a plain blocking socket.
struct fixture {
  net::io_context ioc;
  net::io_context client_ioc;
  tcp::socket client{client_ioc};
  tcp::socket server{net::make_strand(ioc)};

  fixture() {
    tcp::acceptor acceptor{ioc, {net::ip::make_address("127.0.0.1"), 0}};
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }

  /// Reads exactly `n` bytes from the client end.
  std::string read_client(size_t n) {
    std::string out(n, '\0');
    net::read(client, net::buffer(out));
    return out;
  }
};

/// Writes `parts` one after the other (one write at a time, as Beast
/// does), corked while writing when `corked`, uncorking after the last as
/// the WebSocket session does; counts completions.
struct writer {
  writer(stream_type& stream, const std::vector<std::string>& parts,
         bool corked = false)
    : stream(stream), parts(parts), corked(corked) {}

  stream_type& stream;
  const std::vector<std::string>& parts;
  bool corked;
  size_t completed = 0;
  beast::error_code error;

  void start(size_t i = 0) {
    if (i == parts.size()) {
      stream.cork(false);
      return;
    }
    stream.cork(corked);
    net::async_write(stream, net::buffer(parts[i]),
                     [this, i](beast::error_code ec, size_t) {
                       if (ec) {
                         error = ec;
                         return;
                       }
                       ++completed;
                       start(i + 1);
                     });
  }
};

} // namespace

CAF_TEST(a corked burst leaves in one socket write and in order) {
  fixture f;
  stream_type stream{std::move(f.server)};
  std::vector<std::string> parts;
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    parts.push_back("frame " + std::to_string(i) + ";");
    expected += parts.back();
  }
  writer w{stream, parts, true};
  w.start();
  f.ioc.run();
  CAF_CHECK(!w.error);
  CAF_CHECK_EQUAL(w.completed, parts.size());
  CAF_CHECK_EQUAL(stream.flushes(), 1u);
  CAF_CHECK(stream.idle());
  CAF_CHECK_EQUAL(f.read_client(expected.size()), expected);
}

CAF_TEST(uncorked writes still all arrive in order) {
  fixture f;
  stream_type stream{std::move(f.server)};
  std::vector<std::string> parts;
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    parts.push_back(std::string(100 + i, static_cast<char>('a' + i % 26)));
    expected += parts.back();
  }
  writer w{stream, parts};
  w.start();
  f.ioc.run();
  CAF_CHECK_EQUAL(w.completed, parts.size());
  CAF_CHECK_LESS_OR_EQUAL(stream.flushes(), parts.size());
  CAF_CHECK_EQUAL(f.read_client(expected.size()), expected);
}

CAF_TEST(a client that does not read holds writes back) {
  fixture f;
  stream_type stream{std::move(f.server)};
  stream.limit(16 * 1024);
  // 32 MiB: far past what loopback's two kernel buffers take.
  std::vector<std::string> parts(512, std::string(64 * 1024, 'x'));
  writer w{stream, parts};
  w.start();
  f.ioc.run_for(std::chrono::milliseconds{300});
  // The writes wait for the socket: the layer holds one gathered write
  // and one in flight, never the whole backlog.
  CAF_CHECK_LESS(w.completed, parts.size());
  CAF_CHECK_LESS_OR_EQUAL(stream.buffered(), 2 * parts[0].size());
  // Once the client reads, everything arrives.
  std::thread reader{[&] {
    auto all = f.read_client(parts.size() * parts[0].size());
    CAF_CHECK_EQUAL(all.find_first_not_of('x'), std::string::npos);
  }};
  f.ioc.restart();
  f.ioc.run();
  reader.join();
  CAF_CHECK(!w.error);
  CAF_CHECK_EQUAL(w.completed, parts.size());
}

CAF_TEST(a teardown sends what waits even if the writer corks again) {
  fixture f;
  stream_type stream{std::move(f.server)};
  stream.limit(64 * 1024 * 1024);
  std::vector<std::string> parts{std::string(4 * 1024 * 1024, 'a'),
                                 std::string(1000, 'b')};
  writer w{stream, parts};
  w.start();
  // The first part is on its way (the client does not read yet), the
  // second waits behind it.
  f.ioc.run_for(std::chrono::milliseconds{100});
  CAF_REQUIRE_EQUAL(w.completed, parts.size());
  CAF_REQUIRE(!stream.idle());
  bool torn = false;
  bool idle_then = false;
  stream.after_flush([&] {
    torn = true;
    idle_then = stream.idle();
  });
  // A frame of the session arriving now must not hold the rest back.
  stream.cork(true);
  std::thread reader{[&] {
    auto all = f.read_client(parts[0].size() + parts[1].size());
    CAF_CHECK_EQUAL(all, parts[0] + parts[1]);
  }};
  f.ioc.restart();
  f.ioc.run();
  reader.join();
  CAF_CHECK(torn);
  CAF_CHECK(idle_then);
}

CAF_TEST(the stream may go while its socket write is in flight) {
  fixture f;
  std::vector<std::string> parts{std::string(8 * 1024 * 1024, 'x')};
  {
    stream_type stream{std::move(f.server)};
    writer w{stream, parts};
    w.start();
    f.ioc.run_for(std::chrono::milliseconds{100});
    CAF_REQUIRE(!stream.idle());
  }
  // The write ends (aborted: the socket was closed) without touching the
  // destroyed stream; under ASan a use after free fails here.
  f.ioc.restart();
  f.ioc.run();
  std::string some(4096, '\0');
  beast::error_code ec;
  size_t got = 0;
  while (!ec)
    got += f.client.read_some(net::buffer(some), ec);
  CAF_CHECK(ec == net::error::eof || ec == net::error::connection_reset);
  CAF_CHECK_LESS(got, parts[0].size());
}

CAF_TEST(a websocket close sends the gathered frames first) {
  fixture f;
  websocket::stream<stream_type> ws{std::move(f.server)};
  std::vector<std::string> got;
  websocket::close_reason reason;
  std::thread client{[&] {
    websocket::stream<tcp::socket> peer{std::move(f.client)};
    peer.handshake("127.0.0.1", "/");
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!ec) {
      peer.read(buffer, ec);
      if (!ec)
        got.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    }
    reason = peer.reason();
  }};
  std::vector<std::string> frames{"one", "two", "three", "four"};
  size_t next = 0;
  std::function<void(beast::error_code)> write_next;
  write_next = [&](beast::error_code ec) {
    if (ec)
      return;
    if (next == frames.size()) {
      // As the session does: uncork, then close at once. The gathered
      // frames are still on their way; the close frame and the teardown
      // must wait for them.
      ws.next_layer().cork(false);
      ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
      return;
    }
    ws.next_layer().cork(true);
    ws.async_write(net::buffer(frames[next++]),
                   [&](beast::error_code ec, size_t) { write_next(ec); });
  };
  ws.async_accept(write_next);
  f.ioc.run();
  client.join();
  CAF_CHECK_EQUAL(got, frames);
  CAF_CHECK(reason.code == websocket::close_code::normal);
}
