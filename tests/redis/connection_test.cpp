#define CAF_SUITE redis.connection

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "caf/test/unit_test.hpp"

#include "io/redis/redis_connection.hpp"

#include "tests/redis/fixture.hpp"

using namespace actodo;
using namespace actodo::io::redis;
using namespace std::chrono_literals;

namespace {

struct fixture : test::redis_fixture {
  fixture() : conn(endpoint) {
    // nop
  }

  /// Runs a command that must succeed.
  redis_reply run(const std::vector<std::string>& argv) {
    auto reply = conn.command(argv);
    if (!reply)
      CAF_FAIL(argv[0] << ": " << describe(reply.error()));
    return std::move(*reply);
  }

  redis_connection conn;
};

/// A TCP socket bound to 127.0.0.1 and a free port but not listening (a
/// connect to it is refused) until `listen()`.
struct fake_server {
  fake_server() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    auto sa = reinterpret_cast<sockaddr*>(&addr);
    if (fd < 0 || ::bind(fd, sa, len) != 0 || ::getsockname(fd, sa, &len) != 0)
      CAF_FAIL("cannot bind a socket");
    port = ntohs(addr.sin_port);
  }

  ~fake_server() {
    ::close(fd);
  }

  void listen() {
    CAF_REQUIRE_EQUAL(::listen(fd, 8), 0);
  }

  /// Whether a client connected (a connection waits to be accepted).
  bool connected() {
    pollfd pfd{fd, POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 1;
  }

  int fd = -1;
  uint16_t port = 0;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(connection_tests, fixture)

CAF_TEST(commands round trip binary - safe values) {
  auto key = prefix + "k";
  std::string value{"a\0b\r\nc", 6};
  auto set = run({"SET", key, value});
  CAF_CHECK_EQUAL(set.kind, reply_kind::status);
  CAF_CHECK_EQUAL(set.text, "OK");
  auto get = run({"GET", key});
  CAF_CHECK_EQUAL(get.kind, reply_kind::string);
  CAF_CHECK_EQUAL(get.text.size(), 6u);
  CAF_CHECK_EQUAL(get.text, value);
  CAF_CHECK(run({"GET", prefix + "missing"}).is_nil());
  auto incr = run({"INCRBY", prefix + "n", "41"});
  CAF_CHECK_EQUAL(incr.kind, reply_kind::integer);
  CAF_CHECK_EQUAL(incr.integer, 41);
  CAF_CHECK_EQUAL(conn.generation(), 1u);
  CAF_CHECK(conn.connected());
}

CAF_TEST(a pipeline answers every command in order) {
  auto key = prefix + "list";
  auto replies = conn.pipeline({{"RPUSH", key, "a"},
                                {"RPUSH", key, "b", "c"},
                                {"LRANGE", key, "0", "-1"},
                                {"LLEN", key}});
  CAF_REQUIRE(replies);
  CAF_REQUIRE_EQUAL(replies->size(), 4u);
  CAF_CHECK_EQUAL((*replies)[0].integer, 1);
  CAF_CHECK_EQUAL((*replies)[1].integer, 3);
  auto& range = (*replies)[2];
  CAF_CHECK_EQUAL(range.kind, reply_kind::array);
  CAF_REQUIRE_EQUAL(range.elements.size(), 3u);
  CAF_CHECK_EQUAL(range.elements[0].text, "a");
  CAF_CHECK_EQUAL(range.elements[2].text, "c");
  CAF_CHECK_EQUAL((*replies)[3].integer, 3);
  auto none = conn.pipeline({});
  CAF_REQUIRE(none);
  CAF_CHECK(none->empty());
  auto empty = conn.command({});
  CAF_REQUIRE(!empty);
  CAF_CHECK_EQUAL(empty.error(), ec::invalid_field);
}

CAF_TEST(an error reply is a store failure and the connection stays) {
  run({"SET", prefix + "s", "text"});
  auto incr = conn.command({"INCR", prefix + "s"});
  CAF_REQUIRE(!incr);
  CAF_CHECK_EQUAL(incr.error(), ec::store_failure);
  CAF_MESSAGE(describe(incr.error()));
  CAF_CHECK_NOT_EQUAL(describe(incr.error()).find("INCR failed: ERR"),
                      std::string::npos);
  // In a pipeline the other commands ran and the replies stay in step.
  auto replies = conn.pipeline({{"SET", prefix + "a", "1"},
                                {"INCR", prefix + "s"},
                                {"SET", prefix + "b", "2"}});
  CAF_REQUIRE(!replies);
  CAF_CHECK_EQUAL(replies.error(), ec::store_failure);
  CAF_CHECK_EQUAL(run({"GET", prefix + "b"}).text, "2");
  // An error inside EXEC's answer fails the call too.
  auto exec = conn.pipeline(
    {{"MULTI"}, {"INCR", prefix + "s"}, {"SET", prefix + "c", "3"}, {"EXEC"}});
  CAF_REQUIRE(!exec);
  CAF_CHECK_EQUAL(exec.error(), ec::store_failure);
  CAF_CHECK_EQUAL(run({"GET", prefix + "c"}).text, "3");
  CAF_CHECK_EQUAL(conn.generation(), 1u);
}

CAF_TEST(an unreachable server fails fast within the backoff) {
  fake_server server;
  auto ep = endpoint;
  ep.port = server.port;
  ep.display = "redis://127.0.0.1:" + std::to_string(server.port) + "/0";
  redis_connection down{ep};
  down.timeout(300ms);
  auto first = down.command({"PING"});
  CAF_REQUIRE(!first);
  CAF_CHECK_EQUAL(first.error(), ec::unavailable);
  CAF_CHECK_EQUAL(retry_after(first.error()), 1);
  CAF_MESSAGE(describe(first.error()));
  CAF_CHECK_EQUAL(describe(first.error())
                    .find("Redis at " + ep.display + " is unreachable: "),
                  0u);
  // The port accepts connections now, but the backoff (100 ms) is not
  // over: the call fails at once with the same error, without trying.
  server.listen();
  auto second = down.command({"PING"});
  CAF_REQUIRE(!second);
  CAF_CHECK_EQUAL(second.error(), ec::unavailable);
  CAF_CHECK_EQUAL(describe(second.error()), describe(first.error()));
  CAF_CHECK(!server.connected());
  // After the backoff it tries again: connects, but nobody answers.
  std::this_thread::sleep_for(150ms);
  auto third = down.command({"PING"});
  CAF_REQUIRE(!third);
  CAF_CHECK_EQUAL(third.error(), ec::unavailable);
  CAF_CHECK(server.connected());
  CAF_CHECK_NOT_EQUAL(describe(third.error()).find("no answer within 300 ms"),
                      std::string::npos);
  CAF_CHECK(!down.connected());
}

CAF_TEST(it reconnects after a server restart) {
  run({"SET", prefix + "k", "v"});
  auto before = conn.generation();
  server("restart");
  // The first call finds the connection broken; a later one reconnects.
  auto failures = 0;
  redis_reply reply;
  CAF_CHECK(test::eventually([&] {
    auto got = conn.command({"GET", prefix + "k"});
    if (!got) {
      CAF_CHECK_EQUAL(got.error(), ec::unavailable);
      ++failures;
      return false;
    }
    reply = std::move(*got);
    return true;
  }));
  CAF_CHECK_GREATER_OR_EQUAL(failures, 1);
  CAF_CHECK_EQUAL(conn.generation(), before + 1);
  CAF_CHECK(reply.is_nil()); // No persistence: the key is gone.
  CAF_CHECK_EQUAL(run({"SET", prefix + "k", "w"}).text, "OK");
  CAF_CHECK_EQUAL(run({"GET", prefix + "k"}).text, "w");
}

CAF_TEST(every connect authenticates and selects the db) {
  auto user = "u" + std::to_string(::getpid()) + "_"
              + std::to_string(std::hash<std::string>{}(prefix));
  run({"ACL", "SETUSER", user, "on", ">T0p-secret", "~*", "&*", "+@all"});
  auto base = "redis://" + user + ":";
  auto host = "@127.0.0.1:" + std::to_string(endpoint.port);
  auto ep = parse_redis_uri(base + "T0p-secret" + host + "/3");
  CAF_REQUIRE(ep);
  redis_connection db3{*ep};
  CAF_REQUIRE(db3.command({"SET", prefix + "k", "in 3"}));
  auto who = db3.command({"ACL", "WHOAMI"});
  CAF_REQUIRE(who);
  CAF_CHECK_EQUAL(who->text, user);
  CAF_CHECK(run({"GET", prefix + "k"}).is_nil()); // db 0
  CAF_CHECK_EQUAL(run({"SELECT", "3"}).text, "OK");
  CAF_CHECK_EQUAL(run({"GET", prefix + "k"}).text, "in 3");
  CAF_CHECK_EQUAL(run({"DEL", prefix + "k"}).integer, 1);
  // A wrong password backs off like an outage and is never repeated.
  auto wrong = parse_redis_uri(base + "Wr0ng-secret" + host);
  CAF_REQUIRE(wrong);
  redis_connection denied{*wrong};
  auto res = denied.command({"PING"});
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(res.error(), ec::unavailable);
  CAF_MESSAGE(describe(res.error()));
  CAF_CHECK_NOT_EQUAL(describe(res.error()).find("AUTH failed: WRONGPASS"),
                      std::string::npos);
  CAF_CHECK_EQUAL(caf::to_string(res.error()).find("Wr0ng"), std::string::npos);
  CAF_CHECK_EQUAL(denied.generation(), 0u);
  run({"ACL", "DELUSER", user});
}

CAF_TEST_FIXTURE_SCOPE_END()
