#define CAF_SUITE redis.uri

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "io/redis/redis_uri.hpp"

using namespace actodo;
using namespace actodo::io::redis;

namespace {

redis_endpoint parse(const std::string& text) {
  auto ep = parse_redis_uri(text);
  if (!ep)
    CAF_FAIL(text << ": " << describe(ep.error()));
  return std::move(*ep);
}

} // namespace

CAF_TEST(valid forms) {
  auto ep = parse("redis://localhost");
  CAF_CHECK_EQUAL(ep.host, "localhost");
  CAF_CHECK_EQUAL(ep.port, 6379u);
  CAF_CHECK_EQUAL(ep.db, 0);
  CAF_CHECK(ep.password.empty());
  CAF_CHECK_EQUAL(ep.display, "redis://localhost:6379/0");
  ep = parse("redis://127.0.0.1:7000/3");
  CAF_CHECK_EQUAL(ep.host, "127.0.0.1");
  CAF_CHECK_EQUAL(ep.port, 7000u);
  CAF_CHECK_EQUAL(ep.db, 3);
  CAF_CHECK_EQUAL(ep.display, "redis://127.0.0.1:7000/3");
  ep = parse("redis://:s3cret@cache.example-1.org:1/2");
  CAF_CHECK_EQUAL(ep.host, "cache.example-1.org");
  CAF_CHECK_EQUAL(ep.password, "s3cret");
  CAF_CHECK(ep.user.empty());
  CAF_CHECK_EQUAL(ep.display, "redis://cache.example-1.org:1/2");
  // Percent-encoding; the last '@' ends the credentials.
  ep = parse("redis://alice:p%40ss/w@rd@host/");
  CAF_CHECK_EQUAL(ep.user, "alice");
  CAF_CHECK_EQUAL(ep.password, "p@ss/w@rd");
  CAF_CHECK_EQUAL(ep.host, "host");
  CAF_CHECK_EQUAL(ep.db, 0);
  CAF_CHECK_EQUAL(ep.display, "redis://alice@host:6379/0");
  ep = parse("redis://[::1]:6380");
  CAF_CHECK_EQUAL(ep.host, "::1");
  CAF_CHECK_EQUAL(ep.port, 6380u);
  CAF_CHECK_EQUAL(ep.display, "redis://[::1]:6380/0");
  ep = parse("REDIS://[fe80::1]/15");
  CAF_CHECK_EQUAL(ep.host, "fe80::1");
  CAF_CHECK_EQUAL(ep.db, 15);
  CAF_CHECK_EQUAL(ep.display, "redis://[fe80::1]:6379/15");
}

CAF_TEST(each error names cluster.redis and never the password) {
  // URI, a word the detail must contain.
  std::vector<std::pair<std::string, std::string>> cases{
    {"http://:hunter2@host", "must start with redis://, not http://"},
    {"rediss://:hunter2@host", "TLS"},
    {":hunter2@host:6379", "must have the form"},
    {"x:hunter2@redis://host", "must start with redis://"},
    {"redis://:hunter2@", "the host is empty"},
    {"redis://:hunter2@:6379/1", "the host is empty"},
    {"redis://:hunter2@[]:6379", "the host is empty"},
    {"redis://:hunter2@ho st", "bad host"},
    {"redis://:hunter2@::1", "brackets"},
    {"redis://:hunter2@[::1", "closing ']'"},
    {"redis://:hunter2@[::1]x", "unexpected text"},
    {"redis://:hunter2@[zz::1]", "bad IPv6 host"},
    {"redis://:hunter2@host:0", "bad port '0'"},
    {"redis://:hunter2@host:65536", "bad port '65536'"},
    {"redis://:hunter2@host:", "bad port ''"},
    {"redis://:hunter2@host:6a", "bad port '6a'"},
    {"redis://:hunter2@host/x", "bad db 'x'"},
    {"redis://:hunter2@host/-1", "bad db '-1'"},
    {"redis://:hunter2@host/1?timeout=1", "bad db"},
    {"redis://hunter2@host", "[user]:password"},
    {"redis://user:hunter2%zz@host", "percent-encoding in the password"},
    {"redis://us%r:hunter2@host", "percent-encoding in the user"},
    {"redis://user:@host", "the password is empty"},
  };
  for (auto& [uri, expected] : cases) {
    CAF_MESSAGE("URI " << uri);
    auto ep = parse_redis_uri(uri);
    CAF_REQUIRE(!ep);
    auto& err = ep.error();
    CAF_CHECK_EQUAL(err, ec::invalid_field);
    CAF_CHECK_EQUAL(error_field(err), "cluster.redis");
    CAF_CHECK_NOT_EQUAL(describe(err).find(expected), std::string::npos);
    CAF_CHECK_EQUAL(describe(err).find("hunter2"), std::string::npos);
    CAF_CHECK_EQUAL(caf::to_string(err).find("hunter2"), std::string::npos);
  }
}

CAF_TEST(the AUTH command follows the credentials) {
  CAF_CHECK(auth_command(parse("redis://host")).empty());
  CAF_CHECK_EQUAL(auth_command(parse("redis://:pw@host")),
                  (std::vector<std::string>{"AUTH", "pw"}));
  CAF_CHECK_EQUAL(auth_command(parse("redis://bob:pw@host")),
                  (std::vector<std::string>{"AUTH", "bob", "pw"}));
}
