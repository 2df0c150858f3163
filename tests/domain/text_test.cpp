#include <gtest/gtest.h>

#include "actors/domain/text.hpp"

using namespace actodo::actors::domain;

TEST(text, code_points) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("\xC3\xA9"), 1u); // é
  EXPECT_EQ(count_code_points("\xE2\x82\xAC"), 1u); // €
  EXPECT_EQ(count_code_points("\xF0\x9F\x98\x80"), 1u); // 😀
  EXPECT_EQ(count_code_points("a\xC3\xA9"
                              "b"),
            3u);
}

TEST(text, blank) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\r\n"));
  EXPECT_TRUE(is_blank("\xC2\xA0")); // U+00A0
  EXPECT_TRUE(is_blank("\xE3\x80\x80 ")); // U+3000
  EXPECT_TRUE(!is_blank(" a "));
  EXPECT_TRUE(!is_blank("\xC3\xA9"));
}

TEST(text, case_folding) {
  EXPECT_EQ(ascii_lower("HeLLo \xC3\x89"), "hello \xC3\x89");
  EXPECT_TRUE(iequals("Work", "wORK"));
  EXPECT_TRUE(!iequals("Work", "Works"));
  EXPECT_TRUE(icontains("Buy MILK today", "milk"));
  EXPECT_TRUE(icontains("abc", ""));
  EXPECT_TRUE(!icontains("abc", "abcd"));
}

TEST(text, base64url) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("\xFB\xFF"), "-_8");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  std::string out;
  ASSERT_TRUE(base64url_decode(base64url_encode(all), out));
  EXPECT_EQ(out, all);
  EXPECT_TRUE(base64url_decode("Zm9vYg", out));
  EXPECT_EQ(out, "foob");
  EXPECT_TRUE(!base64url_decode("Zm9vYg==", out)); // padding
  EXPECT_TRUE(!base64url_decode("Zm9v+g", out)); // not url alphabet
  EXPECT_TRUE(!base64url_decode("Zm9vY", out)); // impossible length
  EXPECT_TRUE(!base64url_decode("Zh", out)); // non-zero trailing bits
}
