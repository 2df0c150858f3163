#define CAF_SUITE web.auth_routes

#include <ctime>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"
#include "web/jwt.hpp"

#include "tests/web/fake_gateway.hpp"

using namespace actodo;

namespace {

struct fixture : test::router_fixture {
  /// `POST /api/v1/auth/<action>` with a JSON body.
  web::http_response post(const std::string& action, std::string body) {
    return call("POST", "/api/v1/auth/" + action, std::move(body));
  }

  web::http_response login() {
    return post("login", R"({"username":"alice","password":"secret12"})");
  }

  /// The headers of `res` in order, `Server` and such left out.
  static std::vector<std::string> names(const web::http_response& res) {
    std::vector<std::string> out;
    for (auto& kvp : res.headers)
      out.push_back(kvp.first);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(auth_routes_tests, fixture)

CAF_TEST(a registration answers 201 with the account and no caching) {
  gate.account = actors::account_info{"u_1", "alice", 1767225600123};
  auto res = post("register", R"({"username":"Alice","password":"secret12"})");
  CAF_CHECK_EQUAL(res.status, 201);
  CAF_CHECK_EQUAL(res.content_type, "application/json");
  CAF_CHECK_EQUAL(
    res.body,
    R"({"created_at":"2026-01-01T00:00:00.123Z","id":"u_1","username":"alice"})");
  CAF_CHECK_EQUAL(header(res, "Cache-Control"), "no-store");
  CAF_CHECK_EQUAL(gate.calls,
                  std::vector<std::string>({"signup Alice secret12 10.0.0.1"}));
}

CAF_TEST(login and refresh answer the token pair) {
  cfg.jwt_secret = "0123456789abcdef0123456789abcdef";
  actors::token_pair pair;
  pair.access = {"u_1", 1000, 1900, "j1"};
  pair.expires_in = 900;
  pair.refresh_token = "r1";
  gate.tokens = pair;
  // The access token is the claims, signed here with the node's key.
  auto token = web::sign_jwt(pair.access, cfg.jwt_secret);
  actors::access_claims signed_claims;
  CAF_CHECK(web::verify_jwt(token, cfg.jwt_secret, 1500, signed_claims)
            == web::token_error::none);
  CAF_CHECK(signed_claims == pair.access);
  auto expected = R"({"access_token":")" + token
                  + R"(","expires_in":900,)"
                    R"("refresh_token":"r1","token_type":"Bearer"})";
  auto res = login();
  CAF_CHECK_EQUAL(res.status, 200);
  CAF_CHECK_EQUAL(res.body, expected);
  CAF_CHECK_EQUAL(header(res, "Cache-Control"), "no-store");
  res = post("refresh", R"({"refresh_token":"r0"})");
  CAF_CHECK_EQUAL(res.status, 200);
  CAF_CHECK_EQUAL(res.body, expected);
  CAF_CHECK_EQUAL(
    gate.calls,
    std::vector<std::string>({"login alice secret12 10.0.0.1", "refresh r0"}));
}

CAF_TEST(a logout answers 204 without a body) {
  auto res = post("logout", R"({"refresh_token":"r0"})");
  CAF_CHECK_EQUAL(res.status, 204);
  CAF_CHECK(res.body.empty());
  CAF_CHECK(res.content_type.empty());
  CAF_CHECK_EQUAL(names(res), std::vector<std::string>({"Cache-Control"}));
  CAF_CHECK_EQUAL(gate.calls, std::vector<std::string>({"logout r0"}));
}

CAF_TEST(throttles and a full hash queue say when to come back) {
  gate.tokens = make_retry_error(ec::throttled, {},
                                 "too many failed logins; retry later", 899);
  auto res = login();
  CAF_CHECK_EQUAL(res.status, 429);
  CAF_CHECK_EQUAL(res.content_type, "application/problem+json");
  CAF_CHECK_EQUAL(res.body, R"({"detail":"too many failed logins; retry )"
                            R"(later","retry_after":899,"status":429,)"
                            R"("title":"Too Many Requests","type":)"
                            R"("about:blank"})");
  CAF_CHECK_EQUAL(names(res),
                  std::vector<std::string>({"Cache-Control", "Retry-After"}));
  CAF_CHECK_EQUAL(header(res, "Retry-After"), "899");
  gate.account = make_retry_error(ec::unavailable, {},
                                  "too many password checks at once", 1);
  res = post("register", R"({"username":"bob","password":"secret12"})");
  CAF_CHECK_EQUAL(res.status, 503);
  CAF_CHECK_EQUAL(header(res, "Retry-After"), "1");
  CAF_CHECK_EQUAL(res.body, R"({"detail":"too many password checks at )"
                            R"(once","retry_after":1,"status":503,)"
                            R"("title":"Service Unavailable","type":)"
                            R"("about:blank"})");
}

CAF_TEST(refusals map to statuses naming their field) {
  gate.tokens = make_field_error(ec::unauthorized, "refresh_token",
                                 "refresh token is invalid, used or expired");
  auto res = post("refresh", R"({"refresh_token":"r0"})");
  CAF_CHECK_EQUAL(res.status, 401);
  CAF_CHECK_EQUAL(res.body, R"({"detail":"refresh token is invalid, used or )"
                            R"(expired","field":"refresh_token","status":401,)"
                            R"("title":"Unauthorized","type":"about:blank"})");
  CAF_CHECK_EQUAL(names(res), std::vector<std::string>({"Cache-Control"}));
  gate.account = make_field_error(ec::conflict, "username",
                                  "username is taken");
  res = post("register", R"({"username":"alice","password":"secret12"})");
  CAF_CHECK_EQUAL(res.status, 409);
  CAF_CHECK_NOT_EQUAL(res.body.find(R"("field":"username")"),
                      std::string::npos);
  gate.tokens = caf::make_error(ec::store_failure, "cannot read tokens");
  res = post("refresh", R"({"refresh_token":"r0"})");
  CAF_CHECK_EQUAL(res.status, 503);
  CAF_CHECK_EQUAL(res.body, R"({"detail":"cannot read tokens","status":503,)"
                            R"("title":"Service Unavailable","type":)"
                            R"("about:blank"})");
  // Nothing happened: a 503 may be retried.
  CAF_CHECK_EQUAL(names(res),
                  std::vector<std::string>({"Cache-Control", "Retry-After"}));
  CAF_CHECK_EQUAL(header(res, "Retry-After"), "1");
}

CAF_TEST(a body that does not decode never reaches the gateway) {
  auto res = post("login", R"({"username":"alice"})");
  CAF_CHECK_EQUAL(res.status, 400);
  CAF_CHECK_NOT_EQUAL(res.body.find(R"("field":"password")"),
                      std::string::npos);
  res = post("logout", R"({"refresh_token":"r0","x":1})");
  CAF_CHECK_EQUAL(res.status, 400);
  CAF_CHECK(gate.calls.empty());
}

CAF_TEST(me answers the account of the authenticated user) {
  cfg.token_auth = true;
  cfg.jwt_secret = "0123456789abcdef0123456789abcdef";
  auto now = static_cast<int64_t>(std::time(nullptr));
  auto token = web::sign_jwt({"u_1", now, now + 60, "j1"}, cfg.jwt_secret);
  headers.emplace_back("authorization", "Bearer " + token);
  auto res = call("GET", "/api/v1/me");
  CAF_CHECK_EQUAL(res.status, 200);
  CAF_CHECK_EQUAL(
    res.body,
    R"({"created_at":"1970-01-01T00:00:00.000Z","id":"u_1","time_zone":null,)"
    R"("username":"alice"})");
  CAF_CHECK_EQUAL(header(res, "Cache-Control"), "no-store");
  gate.account = make_field_error(ec::not_found, {}, "no such account");
  res = call("GET", "/api/v1/me");
  CAF_CHECK_EQUAL(res.status, 404);
  CAF_CHECK_EQUAL(res.body, R"({"detail":"no such account","status":404,)"
                            R"("title":"Not Found","type":"about:blank"})");
  // The account, then the settings the user's list keeps; none after a
  // refusal.
  CAF_CHECK_EQUAL(
    gate.calls, std::vector<std::string>({"me u_1", "profile u_1", "me u_1"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
