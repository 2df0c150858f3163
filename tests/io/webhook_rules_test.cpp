#define CAF_SUITE io.webhooks

#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "io/webhooks/rules.hpp"
#include "io/webhooks/signature.hpp"

namespace wh = actodo::io::webhooks;
using std::chrono::milliseconds;

CAF_TEST(signatures match the Standard Webhooks reference vector) {
  // The example of the Standard Webhooks specification's libraries.
  auto key = wh::secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  CAF_REQUIRE(key.has_value());
  CAF_CHECK_EQUAL(wh::sign(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                           R"({"test": 2432232314})"),
                  "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  CAF_CHECK(!wh::secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").has_value());
  CAF_CHECK(!wh::secret_key("whsec_not*base64").has_value());
}

CAF_TEST(secrets are 32 random bytes in base64) {
  auto a = wh::make_secret();
  auto b = wh::make_secret();
  CAF_CHECK_NOT_EQUAL(a, b);
  CAF_CHECK_EQUAL(a.substr(0, 6), "whsec_");
  auto key = wh::secret_key(a);
  CAF_REQUIRE(key.has_value());
  CAF_CHECK_EQUAL(key->size(), 32u);
  CAF_CHECK_EQUAL(wh::base64(*key), a.substr(6));
}

CAF_TEST(base64 round trips every padding) {
  for (std::string x : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto text = wh::base64(x);
    auto back = wh::unbase64(text);
    CAF_REQUIRE(back.has_value());
    CAF_CHECK_EQUAL(*back, x);
  }
  CAF_CHECK_EQUAL(wh::base64("foobar"), "Zm9vYmFy");
  CAF_CHECK_EQUAL(wh::base64("fo"), "Zm8=");
  CAF_CHECK(!wh::unbase64("Zm8").has_value());
}

CAF_TEST(patterns match by prefix) {
  std::vector<std::string> todo{"todo.*"};
  CAF_CHECK(wh::matches(todo, "todo.created"));
  CAF_CHECK(wh::matches(todo, "todo.reminder.due"));
  CAF_CHECK(!wh::matches(todo, "todo"));
  CAF_CHECK(!wh::matches(todo, "todos.created"));
  CAF_CHECK(!wh::matches(todo, "webhook.disabled"));
  CAF_CHECK(wh::matches({"*"}, "webhook.disabled"));
  CAF_CHECK(wh::matches({"todo.completed"}, "todo.completed"));
  CAF_CHECK(!wh::matches({"todo.completed"}, "todo.completed.x"));
  CAF_CHECK(!wh::matches({}, "todo.created"));
  CAF_CHECK(!wh::pattern_error("todo.reminder.*").has_value());
  CAF_CHECK(!wh::pattern_error("*").has_value());
  for (auto bad :
       {"", "Todo.*", "todo..x", ".todo", "todo.", "to do", "todo.*.x", "**"}) {
    CAF_MESSAGE("case: " << bad);
    CAF_CHECK(wh::pattern_error(bad).has_value());
  }
}

CAF_TEST(urls parse into their parts) {
  std::string why;
  auto u = wh::parse_url("https://example.com:8443/a/b?c=d", &why);
  CAF_REQUIRE(u.has_value());
  CAF_CHECK(u->tls);
  CAF_CHECK_EQUAL(u->host, "example.com");
  CAF_CHECK_EQUAL(u->port, "8443");
  CAF_CHECK_EQUAL(u->target, "/a/b?c=d");
  u = wh::parse_url("http://[::1]?x", &why);
  CAF_REQUIRE(u.has_value());
  CAF_CHECK_EQUAL(u->host, "::1");
  CAF_CHECK_EQUAL(u->port, "80");
  CAF_CHECK_EQUAL(u->target, "/?x");
  for (auto bad : {"ftp://x/", "http://", "http://u:p@host/", "http://h:0/",
                   "http://h:99999/", "http://h/#frag", "http://h h/",
                   "http://[::1/", "example.com/x"}) {
    CAF_MESSAGE("case: " << bad);
    CAF_CHECK(!wh::parse_url(bad, &why).has_value());
  }
}

CAF_TEST(private and special addresses are forbidden) {
  for (auto bad : {"127.0.0.1",
                   "127.9.9.9",
                   "10.0.0.1",
                   "172.16.0.1",
                   "172.31.255.255",
                   "192.168.1.1",
                   "169.254.169.254",
                   "100.64.0.1",
                   "0.0.0.0",
                   "224.0.0.251",
                   "255.255.255.255",
                   "::",
                   "::1",
                   "fe80::1",
                   "fc00::1",
                   "fd12:3456::1",
                   "ff02::1",
                   "::ffff:127.0.0.1",
                   "::ffff:10.0.0.1",
                   "64:ff9b::a00:1",
                   "not an address"}) {
    CAF_MESSAGE("case: " << bad);
    CAF_CHECK(wh::forbidden_address(bad));
  }
  for (auto ok : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1",
                  "2002:808:808::1", "192.0.3.1", "203.0.114.1",
                  "2001:4860:4860::8888", "::ffff:8.8.8.8", "1.1.1.1"}) {
    CAF_MESSAGE("case: " << ok);
    CAF_CHECK(!wh::forbidden_address(ok));
  }
}

CAF_TEST(retry delays double up to the maximum with jitter) {
  auto d = [](int32_t attempt, double jitter) {
    return wh::retry_delay(attempt, milliseconds{5000}, milliseconds{3600000},
                           jitter)
      .count();
  };
  CAF_CHECK_EQUAL(d(1, 1.0), 5000);
  CAF_CHECK_EQUAL(d(1, 0.0), 2500);
  CAF_CHECK_EQUAL(d(2, 1.0), 10000);
  CAF_CHECK_EQUAL(d(4, 1.0), 40000);
  CAF_CHECK_EQUAL(d(20, 1.0), 3600000);
  CAF_CHECK_EQUAL(d(1000, 0.0), 1800000);
  CAF_CHECK_EQUAL(d(3, 0.5), 15000);
}

CAF_TEST(response bodies are cut to valid UTF - 8) {
  using wh::printable_utf8;
  CAF_CHECK_EQUAL(printable_utf8("plain", 1024), "plain");
  CAF_CHECK_EQUAL(printable_utf8("plain", 3), "pla");
  // A two-byte character is never cut in half.
  CAF_CHECK_EQUAL(printable_utf8("a\xC3\xA9", 2), "a");
  CAF_CHECK_EQUAL(printable_utf8("a\xC3\xA9", 3), "a\xC3\xA9");
  // Invalid bytes, NUL, overlong forms and surrogates become U+FFFD.
  CAF_CHECK_EQUAL(printable_utf8("x\xFFy", 100), "x\xEF\xBF\xBDy");
  CAF_CHECK_EQUAL(printable_utf8(std::string("a\0b", 3), 100), "a\xEF\xBF\xBD"
                                                               "b");
  CAF_CHECK_EQUAL(printable_utf8("\xC0\xAF", 100), "\xEF\xBF\xBD\xEF\xBF\xBD");
  CAF_CHECK_EQUAL(printable_utf8("\xED\xA0\x80", 100),
                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CAF_CHECK_EQUAL(printable_utf8("\xF0\x9F\x98\x80", 100), "\xF0\x9F\x98\x80");
  CAF_CHECK_EQUAL(printable_utf8("ab\xE2\x82", 100),
                  "ab\xEF\xBF\xBD\xEF\xBF\xBD");
}
