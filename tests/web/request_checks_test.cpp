#define CAF_SUITE web.request_checks

#include "caf/test/unit_test.hpp"

#include "web/connection_limit.hpp"
#include "web/media_type.hpp"
#include "web/origin_policy.hpp"
#include "web/transfer_coding.hpp"

using namespace actodo::web;

namespace {

transfer_verdict verdict(std::string_view value) {
  std::string_view coding;
  return classify_transfer_encoding(value, coding);
}

http_request request(std::string host, std::string origin = {}) {
  http_request req;
  req.method = "GET";
  req.path = "/api/v1/todos";
  req.headers.emplace_back("host", std::move(host));
  if (!origin.empty())
    req.headers.emplace_back("origin", std::move(origin));
  return req;
}

int status_of(const std::optional<http_response>& res) {
  return res ? res->status : 0;
}

} // namespace

CAF_TEST(only a final chunked frames a body) {
  CAF_CHECK(verdict("chunked") == transfer_verdict::ok);
  CAF_CHECK(verdict(" Chunked ") == transfer_verdict::ok);
  CAF_CHECK(verdict("chunked,") == transfer_verdict::ok);
  CAF_CHECK(verdict("gzip") == transfer_verdict::bad_framing);
  CAF_CHECK(verdict("chunked, gzip") == transfer_verdict::bad_framing);
  CAF_CHECK(verdict("xchunked") == transfer_verdict::bad_framing);
  CAF_CHECK(verdict("chunked, chunked") == transfer_verdict::bad_framing);
  CAF_CHECK(verdict("") == transfer_verdict::bad_framing);
  CAF_CHECK(verdict("gzip, chunked") == transfer_verdict::not_implemented);
  std::string_view coding;
  classify_transfer_encoding("deflate, gzip, chunked", coding);
  CAF_CHECK_EQUAL(coding, "deflate");
}

CAF_TEST(json media types are parsed and not prefix matched) {
  CAF_CHECK(is_json_media_type("application/json"));
  CAF_CHECK(is_json_media_type("Application/JSON ; charset=\"UTF-8\""));
  CAF_CHECK(is_json_media_type("application/merge-patch+json"));
  CAF_CHECK(!is_json_media_type("application/jsonp"));
  CAF_CHECK(!is_json_media_type("application/json-seq"));
  CAF_CHECK(!is_json_media_type("text/plain"));
  CAF_CHECK(!is_json_media_type("text/json"));
  CAF_CHECK(!is_json_media_type("application/+json"));
  CAF_CHECK(!is_json_media_type("application/json; charset=latin1"));
  CAF_CHECK(!is_json_media_type("application/json; charset"));
  CAF_CHECK(!is_json_media_type(""));
}

CAF_TEST(local mode serves loopback hosts only) {
  origin_policy local{true, ""};
  CAF_CHECK_EQUAL(status_of(local.check(request("127.0.0.1:8080"))), 0);
  CAF_CHECK_EQUAL(status_of(local.check(request("LOCALHOST"))), 0);
  CAF_CHECK_EQUAL(status_of(local.check(request("[::1]:1"))), 0);
  CAF_CHECK_EQUAL(status_of(local.check(request("evil.example"))), 421);
  CAF_CHECK_EQUAL(status_of(local.check(request("localhost.evil"))), 421);
  CAF_CHECK_EQUAL(status_of(local.check(request("127.0.0.1:80x"))), 421);
  CAF_CHECK_EQUAL(status_of(local.check(request(""))), 400);
  origin_policy token{false, ""};
  CAF_CHECK_EQUAL(status_of(token.check(request("todo.example"))), 0);
}

CAF_TEST(foreign origins need to be listed) {
  origin_policy policy{true, "http://app.example, https://b.example"};
  auto host = std::string{"127.0.0.1:8080"};
  CAF_CHECK_EQUAL(status_of(policy.check(request(host, "http://" + host))), 0);
  CAF_CHECK_EQUAL(status_of(policy.check(request(host, "http://app.example"))),
                  0);
  CAF_CHECK_EQUAL(status_of(policy.check(request(host, "http://evil.ex"))),
                  403);
  CAF_CHECK_EQUAL(status_of(policy.check(request(host, "null"))), 403);
  http_response res;
  policy.add_cors("http://app.example", host, res);
  CAF_REQUIRE_EQUAL(res.headers.size(), 3u);
  CAF_CHECK_EQUAL(res.headers[0].second, "http://app.example");
  http_response same;
  policy.add_cors("http://" + host, host, same);
  CAF_CHECK(same.headers.empty());
  origin_policy any{true, "*"};
  CAF_CHECK_EQUAL(status_of(any.check(request(host, "http://evil.ex"))), 0);
}

CAF_TEST(connection slots are counted and returned) {
  connection_limit slots{2};
  auto a = slots.acquire();
  auto b = slots.acquire();
  CAF_CHECK(a != nullptr);
  CAF_CHECK(b != nullptr);
  CAF_CHECK(slots.acquire() == nullptr);
  a.reset();
  CAF_CHECK_EQUAL(slots.open(), 1u);
  CAF_CHECK(slots.acquire() != nullptr);
  CAF_CHECK_EQUAL(slots.open(), 1u);
  CAF_CHECK_EQUAL(default_max_connections(1024), 768u);
  CAF_CHECK_EQUAL(default_max_connections(128), 96u);
}
