#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/domain/compact_string.hpp"
#include "actors/domain/compact_vector.hpp"
#include "actors/domain/optional_instant.hpp"
#include "actors/domain/todo.hpp"

using actodo::actors::domain::compact_string;
using actodo::actors::domain::compact_vector;
using actodo::actors::domain::optional_instant;
using actodo::actors::domain::todo;

namespace {

/// Counts its live instances, so a test sees every element destroyed once.
struct counted {
  static inline int live = 0;
  std::string text;

  counted(std::string x) : text(std::move(x)) {
    ++live;
  }
  counted(const counted& other) : text(other.text) {
    ++live;
  }
  counted(counted&& other) noexcept : text(std::move(other.text)) {
    ++live;
  }
  counted& operator=(const counted&) = default;
  counted& operator=(counted&&) noexcept = default;
  ~counted() {
    --live;
  }
  friend bool operator==(const counted& x, const counted& y) {
    return x.text == y.text;
  }
};

/// Long enough to live on the heap, so a lost or doubled element shows up
/// under ASan too.
std::string text(int i) {
  return "element number " + std::to_string(i) + " of a compact vector";
}

std::vector<std::string> texts(const compact_vector<counted>& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.push_back(x.text);
  return result;
}

} // namespace

TEST(compact_vector, is_one_pointer_wide_and_empty_has_no_block) {
  EXPECT_EQ(sizeof(compact_vector<compact_string>), sizeof(void*));
  compact_vector<std::string> xs;
  EXPECT_TRUE(xs.empty());
  EXPECT_EQ(xs.size(), 0u);
  EXPECT_EQ(xs.capacity(), 0u);
  EXPECT_EQ(xs.data(), nullptr);
  EXPECT_EQ(xs.begin(), xs.end());
}

TEST(compact_vector, grows_and_keeps_every_element_in_order) {
  {
    compact_vector<counted> xs;
    std::vector<std::string> expected;
    for (int i = 0; i < 100; ++i) {
      xs.push_back(counted{text(i)});
      expected.push_back(text(i));
      ASSERT_EQ(xs.size(), expected.size());
      ASSERT_GE(xs.capacity(), xs.size());
      ASSERT_EQ(counted::live, i + 1);
    }
    EXPECT_EQ(texts(xs), expected);
    EXPECT_EQ(xs.front().text, text(0));
    EXPECT_EQ(xs.back().text, text(99));
    EXPECT_EQ(xs[42].text, text(42));
    xs.clear();
    EXPECT_TRUE(xs.empty());
    EXPECT_EQ(xs.capacity(), 0u);
    EXPECT_EQ(counted::live, 0);
  }
  EXPECT_EQ(counted::live, 0);
}

TEST(compact_vector, reserve_allocates_exactly_what_it_is_asked) {
  compact_vector<std::string> xs;
  xs.reserve(3);
  EXPECT_EQ(xs.capacity(), 3u);
  xs.push_back("a");
  xs.push_back("b");
  xs.push_back("c");
  EXPECT_EQ(xs.capacity(), 3u);
  xs.reserve(2); // never shrinks
  EXPECT_EQ(xs.capacity(), 3u);
  EXPECT_EQ(xs.to_vector(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(compact_vector, appends_its_own_element_while_growing) {
  compact_vector<std::string> xs{text(1)};
  ASSERT_EQ(xs.capacity(), 1u);
  xs.push_back(xs[0]); // the block moves; the argument lived in it
  xs.emplace_back(xs.back());
  EXPECT_EQ(xs.to_vector(), (std::vector<std::string>(3, text(1))));
}

TEST(compact_vector, copies_are_deep_and_moves_take_the_block) {
  {
    compact_vector<counted> xs{counted{text(1)}, counted{text(2)}};
    auto ys = xs;
    EXPECT_EQ(counted::live, 4);
    EXPECT_TRUE(xs == ys);
    ys[0].text = "changed";
    EXPECT_EQ(xs[0].text, text(1));
    EXPECT_TRUE(xs != ys);
    auto* block = xs.data();
    auto zs = std::move(xs);
    EXPECT_EQ(zs.data(), block);
    EXPECT_TRUE(xs.empty()); // NOLINT: a moved-from vector is empty
    EXPECT_EQ(counted::live, 4);
    ys = zs;
    EXPECT_TRUE(ys == zs);
    auto& self = ys;
    ys = self;
    EXPECT_EQ(texts(ys), (std::vector<std::string>{text(1), text(2)}));
    ys = std::move(zs);
    EXPECT_EQ(counted::live, 2);
  }
  EXPECT_EQ(counted::live, 0);
}

TEST(compact_vector, converts_from_vectors_and_other_element_types) {
  std::vector<std::string> words{"home", "a longer tag than seven", ""};
  compact_vector<compact_string> tags(words.begin(), words.end());
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0], "home");
  EXPECT_EQ(tags[1], "a longer tag than seven");
  EXPECT_TRUE(tags[2].empty());
  tags.assign(words.begin(), words.begin() + 1);
  EXPECT_EQ(tags.size(), 1u);
  compact_vector<std::string> moved = std::move(words);
  EXPECT_EQ(moved.size(), 3u);
  EXPECT_EQ(moved[1], "a longer tag than seven");
  compact_vector<std::string> none = std::vector<std::string>{};
  EXPECT_EQ(none.data(), nullptr);
}

TEST(compact_vector, equality_compares_sizes_and_elements) {
  using tags = compact_vector<compact_string>;
  EXPECT_TRUE((tags{} == tags{}));
  EXPECT_TRUE((tags{"a", "b"} == tags{"a", "b"}));
  EXPECT_FALSE((tags{"a", "b"} == tags{"a"}));
  EXPECT_FALSE((tags{"a"} == tags{"a", "b"}));
  EXPECT_FALSE((tags{"a", "b"} == tags{"a", "c"}));
  EXPECT_FALSE((tags{} == tags{""}));
}

TEST(compact_vector, is_a_json_array) {
  compact_vector<compact_string> xs{"work", "ünïcödé", ""};
  nlohmann::json j = xs;
  EXPECT_EQ(j, nlohmann::json::parse(R"(["work", "ünïcödé", ""])"));
  EXPECT_TRUE(j.get<compact_vector<compact_string>>() == xs);
  EXPECT_EQ(nlohmann::json(compact_vector<compact_string>{}),
            nlohmann::json::array());
  EXPECT_THROW(
    nlohmann::json::parse(R"(["a", 1])").get<compact_vector<compact_string>>(),
    nlohmann::json::type_error);
}

TEST(optional_instant, is_an_optional_of_eight_bytes) {
  EXPECT_EQ(sizeof(optional_instant), 8u);
  optional_instant none;
  EXPECT_FALSE(none.has_value());
  EXPECT_FALSE(none);
  EXPECT_EQ(none.value_or(7), 7);
  EXPECT_EQ(std::optional<int64_t>{none}, std::nullopt);
  optional_instant epoch = int64_t{0}; // zero is an instant, not "none"
  EXPECT_TRUE(epoch.has_value());
  EXPECT_EQ(*epoch, 0);
  optional_instant before_epoch = int64_t{-86400000};
  EXPECT_EQ(*before_epoch, -86400000);
  optional_instant x = std::optional<int64_t>{1767323045006};
  EXPECT_TRUE(x);
  EXPECT_EQ(*x, 1767323045006);
  EXPECT_EQ(x.value_or(7), 1767323045006);
  EXPECT_EQ(std::optional<int64_t>{x}, 1767323045006);
  EXPECT_TRUE(x == int64_t{1767323045006});
  EXPECT_TRUE(x != epoch);
  EXPECT_TRUE(x != none);
  x = std::optional<int64_t>{};
  EXPECT_TRUE(x == none);
  x = int64_t{5};
  x.reset();
  EXPECT_FALSE(x.has_value());
}

TEST(compact_vector, makes_a_todo_small) {
  // Seven text members, two lists, the recurrence pointer and the optional
  // completion (8 bytes each), four 8-byte numbers and three one-byte
  // members.
  EXPECT_EQ(sizeof(todo), 128u);
}
