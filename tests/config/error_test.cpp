#define CAF_SUITE config.error

#include "caf/test/unit_test.hpp"

#include "config/error.hpp"

using namespace actodo;

CAF_TEST(a field error names its field and detail and no retry) {
  auto err = make_field_error(ec::unauthorized, "refresh_token", "used");
  CAF_CHECK(err == ec::unauthorized);
  CAF_CHECK_EQUAL(error_field(err), "refresh_token");
  CAF_CHECK_EQUAL(describe(err), "used");
  CAF_CHECK_EQUAL(retry_after(err), 0);
}

CAF_TEST(a retry error says when to come back) {
  auto err = make_retry_error(ec::throttled, {}, "too many", 61);
  CAF_CHECK(err == ec::throttled);
  CAF_CHECK_EQUAL(error_field(err), "");
  CAF_CHECK_EQUAL(describe(err), "too many");
  CAF_CHECK_EQUAL(retry_after(err), 61);
  err = make_retry_error(ec::unavailable, "password", "busy hasher", 1);
  CAF_CHECK_EQUAL(error_field(err), "password");
  CAF_CHECK_EQUAL(retry_after(err), 1);
}

CAF_TEST(other contexts carry no field and no retry) {
  auto err = caf::make_error(ec::store_failure, "cannot read tokens");
  CAF_CHECK_EQUAL(describe(err), "cannot read tokens");
  CAF_CHECK_EQUAL(error_field(err), "");
  CAF_CHECK_EQUAL(retry_after(err), 0);
  err = caf::make_error(ec::store_failure, std::string{"a"}, std::string{"b"},
                        std::string{"c"});
  CAF_CHECK_EQUAL(error_field(err), "");
  CAF_CHECK_EQUAL(retry_after(err), 0);
}
