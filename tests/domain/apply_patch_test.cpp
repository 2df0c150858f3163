#include <gtest/gtest.h>
#include <stdexcept>

#include "actors/domain/validation.hpp"

using namespace actodo::actors::domain;
using nlohmann::json;

namespace {

constexpr int64_t t0 = 1767225600000; // 2026-01-01T00:00:00.000Z
constexpr int64_t t1 = t0 + 86400000; // the next day
constexpr int64_t t2 = t1 + 86400000;

todo_patch patch(const json& body, patch_mode mode = patch_mode::update) {
  todo_patch result;
  auto err = parse_patch(body, mode, result);
  if (err) {
    // FAIL() only works in void functions: record, then end the test.
    ADD_FAILURE() << "invalid test patch: " << err->field << ": "
                  << err->detail;
    throw std::runtime_error("invalid test patch");
  }
  return result;
}

/// Returns the kind as string, "none" for nullopt.
std::string kind_of(std::optional<change_kind> x) {
  return x ? std::string{event_type(*x)} : "none";
}

struct apply_patch_tests : ::testing::Test {
  todo t;

  void SetUp() override {
    t.id = "id-1";
    t.created_ms = t0;
    auto res = apply_patch(patch({{"title", "Buy milk"}}, patch_mode::create),
                           patch_mode::create, t0, t);
    ASSERT_TRUE(res.has_value());
  }
};

} // namespace

TEST(apply_patch, event_types) {
  EXPECT_EQ(event_type(change_kind::created), "todo.created");
  EXPECT_EQ(event_type(change_kind::updated), "todo.updated");
  EXPECT_EQ(event_type(change_kind::completed), "todo.completed");
  EXPECT_EQ(event_type(change_kind::reopened), "todo.reopened");
}

TEST(apply_patch, create) {
  todo x;
  x.id = "abc";
  x.created_ms = t0;
  auto p = patch({{"title", "T"},
                  {"notes", "N"},
                  {"priority", "low"},
                  {"tags", {"a"}},
                  {"due", "2026-05-01"},
                  {"order", 4}},
                 patch_mode::create);
  EXPECT_EQ(kind_of(apply_patch(p, patch_mode::create, t1, x)), "todo.created");
  EXPECT_EQ(x.id, "abc");
  EXPECT_EQ(x.title, "T");
  EXPECT_EQ(x.notes, "N");
  EXPECT_TRUE(x.prio == priority::low);
  EXPECT_EQ(x.tags, std::vector<compact_string>{"a"});
  EXPECT_EQ(x.due, "2026-05-01");
  EXPECT_EQ(x.order, 4.0);
  EXPECT_EQ(x.completed, false);
  EXPECT_FALSE(x.completed_ms);
  EXPECT_EQ(x.created_ms, t0);
  EXPECT_EQ(x.updated_ms, t1);
  EXPECT_EQ(x.version, 1);
}

TEST(apply_patch, create_completed) {
  todo x;
  x.id = "abc";
  auto p = patch({{"title", "T"}, {"completed", true}}, patch_mode::create);
  EXPECT_EQ(kind_of(apply_patch(p, patch_mode::create, t1, x)), "todo.created");
  EXPECT_EQ(x.completed, true);
  EXPECT_EQ(x.completed_ms, t1);
  EXPECT_EQ(x.version, 1);
}

TEST_F(apply_patch_tests, fixture_state) {
  EXPECT_EQ(t.title, "Buy milk");
  EXPECT_EQ(t.version, 1);
  EXPECT_EQ(t.updated_ms, t0);
}

TEST_F(apply_patch_tests, update_changes_only_given_fields) {
  t.notes = "keep";
  t.tags = {"x"};
  auto res = apply_patch(patch({{"title", "Buy oat milk"}}), patch_mode::update,
                         t1, t);
  EXPECT_EQ(kind_of(res), "todo.updated");
  EXPECT_EQ(t.title, "Buy oat milk");
  EXPECT_EQ(t.notes, "keep");
  EXPECT_EQ(t.tags, std::vector<compact_string>{"x"});
  EXPECT_EQ(t.version, 2);
  EXPECT_EQ(t.updated_ms, t1);
  EXPECT_EQ(t.created_ms, t0);
  EXPECT_EQ(t.id, "id-1");
}

TEST_F(apply_patch_tests, complete_and_reopen) {
  auto res = apply_patch(patch({{"completed", true}}), patch_mode::update, t1,
                         t);
  EXPECT_EQ(kind_of(res), "todo.completed");
  EXPECT_EQ(t.completed, true);
  EXPECT_EQ(t.completed_ms, t1);
  EXPECT_EQ(t.version, 2);
  // Changing something else keeps completed_at.
  res = apply_patch(patch({{"completed", true}, {"notes", "n"}}),
                    patch_mode::update, t2, t);
  EXPECT_EQ(kind_of(res), "todo.updated");
  EXPECT_EQ(t.completed_ms, t1);
  EXPECT_EQ(t.updated_ms, t2);
  EXPECT_EQ(t.version, 3);
  // Reopen clears completed_at; the flip wins over other changes.
  res = apply_patch(patch({{"completed", false}, {"title", "again"}}),
                    patch_mode::update, t2, t);
  EXPECT_EQ(kind_of(res), "todo.reopened");
  EXPECT_EQ(t.completed, false);
  EXPECT_FALSE(t.completed_ms);
  EXPECT_EQ(t.title, "again");
  EXPECT_EQ(t.version, 4);
}

TEST_F(apply_patch_tests,
       no_op_update_returns_nullopt_and_leaves_todo_untouched) {
  t.prio = priority::high;
  t.tags = {"a", "b"};
  t.due = "2026-02-01";
  auto before = t;
  auto p = patch({{"title", "Buy milk"},
                  {"completed", false},
                  {"priority", "high"},
                  {"tags", {"a", "b"}},
                  {"due", "2026-02-01"},
                  {"notes", nullptr},
                  {"order", 0}});
  EXPECT_EQ(kind_of(apply_patch(p, patch_mode::update, t1, t)), "none");
  EXPECT_TRUE(t == before);
  // Different tag order is a change.
  EXPECT_EQ(kind_of(apply_patch(patch({{"tags", {"b", "a"}}}),
                                patch_mode::update, t1, t)),
            "todo.updated");
  EXPECT_EQ(t.version, 2);
}

TEST_F(apply_patch_tests, clearing_due_and_notes) {
  t.due = "2026-02-01";
  t.notes = "n";
  auto res = apply_patch(patch({{"due", nullptr}, {"notes", nullptr}}),
                         patch_mode::update, t1, t);
  EXPECT_EQ(kind_of(res), "todo.updated");
  EXPECT_EQ(t.due, "");
  EXPECT_EQ(t.notes, "");
  // Clearing again is a no-op.
  res = apply_patch(patch({{"due", nullptr}}), patch_mode::update, t2, t);
  EXPECT_EQ(kind_of(res), "none");
  EXPECT_EQ(t.updated_ms, t1);
}

TEST_F(apply_patch_tests, replace_resets_unspecified_fields) {
  t.notes = "n";
  t.prio = priority::urgent;
  t.tags = {"x"};
  t.due = "2026-02-01";
  t.order = 9;
  auto res = apply_patch(patch({{"title", "New"}}, patch_mode::replace),
                         patch_mode::replace, t1, t);
  EXPECT_EQ(kind_of(res), "todo.updated");
  EXPECT_EQ(t.title, "New");
  EXPECT_EQ(t.notes, "");
  EXPECT_TRUE(t.prio == priority::none);
  EXPECT_TRUE(t.tags.empty());
  EXPECT_EQ(t.due, "");
  EXPECT_EQ(t.order, 0.0);
  EXPECT_EQ(t.id, "id-1");
  EXPECT_EQ(t.created_ms, t0);
  EXPECT_EQ(t.version, 2);
  // Same content again: no change.
  res = apply_patch(patch({{"title", "New"}}, patch_mode::replace),
                    patch_mode::replace, t2, t);
  EXPECT_EQ(kind_of(res), "none");
  EXPECT_EQ(t.version, 2);
}

TEST_F(apply_patch_tests, replace_reopens_a_completed_todo) {
  apply_patch(patch({{"completed", true}}), patch_mode::update, t1, t);
  auto res = apply_patch(patch({{"title", "Buy milk"}}, patch_mode::replace),
                         patch_mode::replace, t2, t);
  EXPECT_EQ(kind_of(res), "todo.reopened");
  EXPECT_EQ(t.completed, false);
  EXPECT_FALSE(t.completed_ms);
  EXPECT_EQ(t.version, 3);
}
