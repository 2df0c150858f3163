#define CAF_SUITE domain.text

#include "caf/test/unit_test.hpp"

#include "actors/domain/text.hpp"

using namespace actodo::domain;

CAF_TEST(code points) {
  CAF_CHECK_EQUAL(count_code_points(""), 0u);
  CAF_CHECK_EQUAL(count_code_points("abc"), 3u);
  CAF_CHECK_EQUAL(count_code_points("\xC3\xA9"), 1u); // é
  CAF_CHECK_EQUAL(count_code_points("\xE2\x82\xAC"), 1u); // €
  CAF_CHECK_EQUAL(count_code_points("\xF0\x9F\x98\x80"), 1u); // 😀
  CAF_CHECK_EQUAL(count_code_points("a\xC3\xA9"
                                    "b"),
                  3u);
}

CAF_TEST(blank) {
  CAF_CHECK(is_blank(""));
  CAF_CHECK(is_blank(" \t\r\n"));
  CAF_CHECK(is_blank("\xC2\xA0")); // U+00A0
  CAF_CHECK(is_blank("\xE3\x80\x80 ")); // U+3000
  CAF_CHECK(!is_blank(" a "));
  CAF_CHECK(!is_blank("\xC3\xA9"));
}

CAF_TEST(case folding) {
  CAF_CHECK_EQUAL(ascii_lower("HeLLo \xC3\x89"), "hello \xC3\x89");
  CAF_CHECK(iequals("Work", "wORK"));
  CAF_CHECK(!iequals("Work", "Works"));
  CAF_CHECK(icontains("Buy MILK today", "milk"));
  CAF_CHECK(icontains("abc", ""));
  CAF_CHECK(!icontains("abc", "abcd"));
}

CAF_TEST(base64url) {
  CAF_CHECK_EQUAL(base64url_encode(""), "");
  CAF_CHECK_EQUAL(base64url_encode("f"), "Zg");
  CAF_CHECK_EQUAL(base64url_encode("fo"), "Zm8");
  CAF_CHECK_EQUAL(base64url_encode("foo"), "Zm9v");
  CAF_CHECK_EQUAL(base64url_encode("foob"), "Zm9vYg");
  CAF_CHECK_EQUAL(base64url_encode("\xFB\xFF"), "-_8");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  std::string out;
  CAF_REQUIRE(base64url_decode(base64url_encode(all), out));
  CAF_CHECK_EQUAL(out, all);
  CAF_CHECK(base64url_decode("Zm9vYg", out));
  CAF_CHECK_EQUAL(out, "foob");
  CAF_CHECK(!base64url_decode("Zm9vYg==", out)); // padding
  CAF_CHECK(!base64url_decode("Zm9v+g", out)); // not url alphabet
  CAF_CHECK(!base64url_decode("Zm9vY", out)); // impossible length
  CAF_CHECK(!base64url_decode("Zh", out)); // non-zero trailing bits
}
