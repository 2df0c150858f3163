#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "actors/domain/compact_string.hpp"

using actodo::actors::domain::compact_string;

namespace {

/// Texts around the inline limit (7 bytes) and past the heap header.
const std::string samples[] = {
  "",
  "a",
  "p_inbox",
  "p_inbox!",
  "t_01hq3v0h2e8fabcdefg",
  std::string(300, 'x'),
  std::string("nul\0inside", 10),
  "\xc3\xa9t\xc3\xa9", // UTF-8 is bytes
};

} // namespace

TEST(compact_string, is_one_pointer_wide) {
  EXPECT_EQ(sizeof(compact_string), sizeof(void*));
}

TEST(compact_string, keeps_every_text_byte_for_byte) {
  for (const auto& text : samples) {
    compact_string x{text};
    EXPECT_EQ(x.size(), text.size());
    EXPECT_EQ(x.empty(), text.empty());
    EXPECT_EQ(x.view(), text);
    EXPECT_EQ(x.str(), text);
    EXPECT_TRUE(x == text);
    EXPECT_FALSE(x != text);
    EXPECT_EQ(std::string(x.begin(), x.end()), text);
  }
}

TEST(compact_string, starts_empty) {
  compact_string x;
  EXPECT_TRUE(x.empty());
  EXPECT_EQ(x.size(), 0u);
  EXPECT_EQ(x.view(), "");
  EXPECT_EQ(x, "");
}

TEST(compact_string, copies_are_deep_and_moves_empty_the_source) {
  for (const auto& text : samples) {
    compact_string x{text};
    auto y = x;
    EXPECT_EQ(y, text);
    if (x.size() > compact_string::max_inline) {
      EXPECT_NE(static_cast<const void*>(x.data()),
                static_cast<const void*>(y.data()));
    }
    auto z = std::move(x);
    EXPECT_EQ(z, text);
    EXPECT_TRUE(x.empty()); // NOLINT(bugprone-use-after-move)
    compact_string w{"before"};
    w = y;
    EXPECT_EQ(w, text);
    w = std::move(z);
    EXPECT_EQ(w, text);
    EXPECT_TRUE(z.empty()); // NOLINT(bugprone-use-after-move)
  }
}

TEST(compact_string, replaces_its_text_across_both_forms) {
  compact_string x;
  for (const auto& a : samples)
    for (const auto& b : samples) {
      x = a;
      EXPECT_EQ(x, a);
      x = b;
      EXPECT_EQ(x, b);
    }
  x.clear();
  EXPECT_TRUE(x.empty());
}

TEST(compact_string, assigns_a_view_of_its_own_text) {
  compact_string x{"a title long enough for the heap"};
  x = x.view().substr(2, 5);
  EXPECT_EQ(x, "title");
  x = std::string(40, 'y');
  x = x.view().substr(1);
  EXPECT_EQ(x, std::string(39, 'y'));
  x = compact_string{x}; // a copy of itself
  EXPECT_EQ(x, std::string(39, 'y'));
}

TEST(compact_string, compares_and_hashes_as_its_text) {
  compact_string a{"alpha"};
  compact_string b{"beta-and-more"};
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_EQ(a, compact_string{"alpha"});
  EXPECT_NE(a, b);
  EXPECT_EQ(std::hash<compact_string>{}(b),
            std::hash<std::string_view>{}("beta-and-more"));
  std::unordered_set<compact_string> set{a, b, compact_string{"alpha"}};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(std::string{"x-"} + a, "x-alpha");
  EXPECT_EQ(a + "-x", "alpha-x");
  std::ostringstream out;
  out << b;
  EXPECT_EQ(out.str(), "beta-and-more");
}

TEST(compact_string, converts_to_and_from_json) {
  for (const auto& text : samples) {
    nlohmann::json j = compact_string{text};
    EXPECT_EQ(j, nlohmann::json(text));
    EXPECT_EQ(j.get<compact_string>(), text);
  }
  EXPECT_THROW(nlohmann::json(3).get<compact_string>(),
               nlohmann::json::type_error);
}
