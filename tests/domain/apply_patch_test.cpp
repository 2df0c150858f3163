#define CAF_SUITE domain.apply_patch

#include "caf/test/unit_test.hpp"

#include "actors/domain/validation.hpp"

using namespace actodo::domain;
using nlohmann::json;

namespace {

constexpr std::string_view t0 = "2026-01-01T00:00:00.000Z";
constexpr std::string_view t1 = "2026-01-02T00:00:00.000Z";
constexpr std::string_view t2 = "2026-01-03T00:00:00.000Z";

todo_patch patch(const json& body, patch_mode mode = patch_mode::update) {
  todo_patch result;
  auto err = parse_patch(body, mode, result);
  if (err)
    CAF_FAIL("invalid test patch: " << err->field << ": " << err->detail);
  return result;
}

/// Returns the kind as string, "none" for nullopt.
std::string kind_of(std::optional<change_kind> x) {
  return x ? std::string{event_type(*x)} : "none";
}

struct fixture {
  todo t;

  fixture() {
    t.id = "id-1";
    t.created_at = std::string{t0};
    auto res = apply_patch(patch({{"title", "Buy milk"}}, patch_mode::create),
                           patch_mode::create, t0, t);
    CAF_REQUIRE(res.has_value());
  }
};

} // namespace

CAF_TEST(event types) {
  CAF_CHECK_EQUAL(event_type(change_kind::created), "todo.created");
  CAF_CHECK_EQUAL(event_type(change_kind::updated), "todo.updated");
  CAF_CHECK_EQUAL(event_type(change_kind::completed), "todo.completed");
  CAF_CHECK_EQUAL(event_type(change_kind::reopened), "todo.reopened");
}

CAF_TEST(create) {
  todo x;
  x.id = "abc";
  x.created_at = std::string{t0};
  auto p = patch({{"title", "T"},
                  {"notes", "N"},
                  {"priority", "low"},
                  {"tags", {"a"}},
                  {"due", "2026-05-01"},
                  {"order", 4}},
                 patch_mode::create);
  CAF_CHECK_EQUAL(kind_of(apply_patch(p, patch_mode::create, t1, x)),
                  "todo.created");
  CAF_CHECK_EQUAL(x.id, "abc");
  CAF_CHECK_EQUAL(x.title, "T");
  CAF_CHECK_EQUAL(x.notes, "N");
  CAF_CHECK(x.prio == priority::low);
  CAF_CHECK_EQUAL(x.tags, std::vector<std::string>{"a"});
  CAF_CHECK_EQUAL(x.due, "2026-05-01");
  CAF_CHECK_EQUAL(x.order, 4.0);
  CAF_CHECK_EQUAL(x.completed, false);
  CAF_CHECK_EQUAL(x.completed_at, "");
  CAF_CHECK_EQUAL(x.created_at, t0);
  CAF_CHECK_EQUAL(x.updated_at, t1);
  CAF_CHECK_EQUAL(x.version, 1);
}

CAF_TEST(create completed) {
  todo x;
  x.id = "abc";
  auto p = patch({{"title", "T"}, {"completed", true}}, patch_mode::create);
  CAF_CHECK_EQUAL(kind_of(apply_patch(p, patch_mode::create, t1, x)),
                  "todo.created");
  CAF_CHECK_EQUAL(x.completed, true);
  CAF_CHECK_EQUAL(x.completed_at, t1);
  CAF_CHECK_EQUAL(x.version, 1);
}

CAF_TEST_FIXTURE_SCOPE(apply_patch_tests, fixture)

CAF_TEST(fixture state) {
  CAF_CHECK_EQUAL(t.title, "Buy milk");
  CAF_CHECK_EQUAL(t.version, 1);
  CAF_CHECK_EQUAL(t.updated_at, t0);
}

CAF_TEST(update changes only given fields) {
  t.notes = "keep";
  t.tags = {"x"};
  auto res = apply_patch(patch({{"title", "Buy oat milk"}}), patch_mode::update,
                         t1, t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.updated");
  CAF_CHECK_EQUAL(t.title, "Buy oat milk");
  CAF_CHECK_EQUAL(t.notes, "keep");
  CAF_CHECK_EQUAL(t.tags, std::vector<std::string>{"x"});
  CAF_CHECK_EQUAL(t.version, 2);
  CAF_CHECK_EQUAL(t.updated_at, t1);
  CAF_CHECK_EQUAL(t.created_at, t0);
  CAF_CHECK_EQUAL(t.id, "id-1");
}

CAF_TEST(complete and reopen) {
  auto res = apply_patch(patch({{"completed", true}}), patch_mode::update, t1,
                         t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.completed");
  CAF_CHECK_EQUAL(t.completed, true);
  CAF_CHECK_EQUAL(t.completed_at, t1);
  CAF_CHECK_EQUAL(t.version, 2);
  // Changing something else keeps completed_at.
  res = apply_patch(patch({{"completed", true}, {"notes", "n"}}),
                    patch_mode::update, t2, t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.updated");
  CAF_CHECK_EQUAL(t.completed_at, t1);
  CAF_CHECK_EQUAL(t.updated_at, t2);
  CAF_CHECK_EQUAL(t.version, 3);
  // Reopen clears completed_at; the flip wins over other changes.
  res = apply_patch(patch({{"completed", false}, {"title", "again"}}),
                    patch_mode::update, t2, t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.reopened");
  CAF_CHECK_EQUAL(t.completed, false);
  CAF_CHECK_EQUAL(t.completed_at, "");
  CAF_CHECK_EQUAL(t.title, "again");
  CAF_CHECK_EQUAL(t.version, 4);
}

CAF_TEST(no - op update returns nullopt and leaves todo untouched) {
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
  CAF_CHECK_EQUAL(kind_of(apply_patch(p, patch_mode::update, t1, t)), "none");
  CAF_CHECK(t == before);
  // Different tag order is a change.
  CAF_CHECK_EQUAL(kind_of(apply_patch(patch({{"tags", {"b", "a"}}}),
                                      patch_mode::update, t1, t)),
                  "todo.updated");
  CAF_CHECK_EQUAL(t.version, 2);
}

CAF_TEST(clearing due and notes) {
  t.due = "2026-02-01";
  t.notes = "n";
  auto res = apply_patch(patch({{"due", nullptr}, {"notes", nullptr}}),
                         patch_mode::update, t1, t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.updated");
  CAF_CHECK_EQUAL(t.due, "");
  CAF_CHECK_EQUAL(t.notes, "");
  // Clearing again is a no-op.
  res = apply_patch(patch({{"due", nullptr}}), patch_mode::update, t2, t);
  CAF_CHECK_EQUAL(kind_of(res), "none");
  CAF_CHECK_EQUAL(t.updated_at, t1);
}

CAF_TEST(replace resets unspecified fields) {
  t.notes = "n";
  t.prio = priority::urgent;
  t.tags = {"x"};
  t.due = "2026-02-01";
  t.order = 9;
  auto res = apply_patch(patch({{"title", "New"}}, patch_mode::replace),
                         patch_mode::replace, t1, t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.updated");
  CAF_CHECK_EQUAL(t.title, "New");
  CAF_CHECK_EQUAL(t.notes, "");
  CAF_CHECK(t.prio == priority::none);
  CAF_CHECK(t.tags.empty());
  CAF_CHECK_EQUAL(t.due, "");
  CAF_CHECK_EQUAL(t.order, 0.0);
  CAF_CHECK_EQUAL(t.id, "id-1");
  CAF_CHECK_EQUAL(t.created_at, t0);
  CAF_CHECK_EQUAL(t.version, 2);
  // Same content again: no change.
  res = apply_patch(patch({{"title", "New"}}, patch_mode::replace),
                    patch_mode::replace, t2, t);
  CAF_CHECK_EQUAL(kind_of(res), "none");
  CAF_CHECK_EQUAL(t.version, 2);
}

CAF_TEST(replace reopens a completed todo) {
  apply_patch(patch({{"completed", true}}), patch_mode::update, t1, t);
  auto res = apply_patch(patch({{"title", "Buy milk"}}, patch_mode::replace),
                         patch_mode::replace, t2, t);
  CAF_CHECK_EQUAL(kind_of(res), "todo.reopened");
  CAF_CHECK_EQUAL(t.completed, false);
  CAF_CHECK_EQUAL(t.completed_at, "");
  CAF_CHECK_EQUAL(t.version, 3);
}

CAF_TEST_FIXTURE_SCOPE_END()
