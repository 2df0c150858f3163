#define CAF_SUITE actors.tree

#include <algorithm>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/record_codec.hpp"

#include "tests/actors/codec.hpp"

using namespace actodo;
using actors::command;
using actors::command_op;
using actors::outcome_code;

namespace {

// 2026-03-01T00:00:00Z
constexpr int64_t now = 1772323200000;

struct fixture {
  actors::user_todos todos;

  fixture() {
    todos.user_id = "alice";
  }

  actors::applied run(command_op op, const std::string& body,
                      const std::string& id = {}) {
    static int n = 0;
    command cmd;
    cmd.user_id = "alice";
    cmd.request_id = "r" + std::to_string(++n);
    cmd.op = op;
    cmd.todo_id = id;
    test::set_body(cmd, body, now);
    return actors::apply_command(todos, cmd, now, 100);
  }

  std::string create(const std::string& body) {
    auto out = run(command_op::create, body);
    CAF_REQUIRE_EQUAL(out.result.code, outcome_code::created);
    return out.result.todo_id;
  }

  std::string project(const std::string& name) {
    command cmd;
    cmd.user_id = "alice";
    cmd.request_id = "rp-" + name;
    cmd.op = command_op::project_create;
    cmd.project.name = name;
    auto out = actors::apply_command(todos, cmd, now, 100);
    CAF_REQUIRE_EQUAL(out.result.code, outcome_code::created);
    return out.result.todo_id;
  }

  std::vector<std::string> event_types(const actors::applied& out) {
    std::vector<std::string> xs;
    for (auto& ev : out.batch.events)
      xs.push_back(ev.type);
    return xs;
  }
};

std::string child_of(const std::string& parent, const std::string& title) {
  return R"({"title":")" + title + R"(","parent_id":")" + parent + R"("})";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(tree_tests, fixture)

CAF_TEST(depth counts the root and a moved subtree counts its height) {
  auto root = create(R"({"title":"root"})");
  auto l2 = create(child_of(root, "l2"));
  auto l3 = create(child_of(l2, "l3"));
  auto l4 = create(child_of(l3, "l4"));
  CAF_CHECK_EQUAL(todos.depth(l4), 4u);
  CAF_CHECK_EQUAL(todos.height(root), 4u);
  auto refused = run(command_op::create, child_of(l4, "l5"));
  CAF_CHECK_EQUAL(refused.result.code, outcome_code::invalid);
  CAF_CHECK_EQUAL(refused.result.field, "parent_id");
  CAF_CHECK(refused.batch.events.empty());
  // A cycle: the root under its own grandchild.
  auto cycle = run(command_op::update, R"({"parent_id":")" + l3 + R"("})",
                   root);
  CAF_CHECK_EQUAL(cycle.result.field, "parent_id");
  CAF_CHECK(todos.by_id.at(root).parent_id.empty());
  // l3 (height 2) fits under another root's child (depth 2): 4 levels.
  auto other = create(R"({"title":"other"})");
  auto under = create(child_of(other, "under"));
  auto moved = run(command_op::update, R"({"parent_id":")" + under + R"("})",
                   l3);
  CAF_CHECK_EQUAL(moved.result.code, outcome_code::updated);
  CAF_CHECK_EQUAL(todos.depth(l4), 4u);
  CAF_CHECK_EQUAL(todos.descendants(l2).size(), 0u);
  auto xs = todos.descendants(other);
  std::sort(xs.begin(), xs.end());
  auto want = std::vector<std::string>{under, l3, l4};
  std::sort(want.begin(), want.end());
  CAF_CHECK_EQUAL(xs, want);
}

CAF_TEST(a new subtask of an archived todo is archived) {
  auto parent = create(R"({"title":"old"})");
  auto out = run(command_op::update, R"({"archived":true})", parent);
  CAF_REQUIRE_EQUAL(out.result.code, outcome_code::updated);
  auto child = create(R"({"title":"late","parent_id":")" + parent + "\"}");
  CAF_CHECK(todos.by_id.at(child).archived);
  auto root = create(R"({"title":"root"})");
  CAF_CHECK(!todos.by_id.at(root).archived);
}

CAF_TEST(completing a parent completes its open subtasks in one batch) {
  auto parent = create(R"({"title":"parent"})");
  auto a = create(child_of(parent, "a"));
  auto b = create(child_of(a, "b"));
  auto done = run(command_op::update, R"({"completed":true})", parent);
  CAF_CHECK_EQUAL(event_types(done),
                  (std::vector<std::string>{"todo.completed", "todo.completed",
                                            "todo.completed"}));
  CAF_CHECK(todos.by_id.at(a).completed);
  CAF_CHECK(todos.by_id.at(b).completed);
  auto b_completed = todos.by_id.at(b).completed_ms;
  CAF_CHECK(b_completed.has_value());
  CAF_CHECK(b_completed == done.result.todo->completed_ms);
  // Deleting the parent takes the subtree; the index forgets it.
  auto gone = run(command_op::remove, "", parent);
  CAF_CHECK_EQUAL(gone.batch.todos.size(), 3u);
  CAF_CHECK(todos.by_id.empty());
  CAF_CHECK(todos.children.empty());
}

CAF_TEST(a project delete moves or deletes its todos) {
  auto home = project("Home");
  auto work = project("Work");
  auto t1 = create(R"({"title":"t1","project_id":")" + home + R"("})");
  auto t2 = create(child_of(t1, "t2"));
  CAF_CHECK_EQUAL(todos.by_id.at(t2).project_id, home);
  command del;
  del.user_id = "alice";
  del.request_id = "rdel";
  del.op = command_op::project_delete;
  del.todo_id = home;
  del.move_to = work;
  auto moved = actors::apply_command(todos, del, now, 100);
  CAF_CHECK_EQUAL(moved.result.code, outcome_code::deleted);
  CAF_CHECK_EQUAL(todos.by_id.at(t1).project_id, work);
  CAF_CHECK_EQUAL(todos.by_id.at(t2).project_id, work);
  CAF_CHECK_EQUAL(todos.projects.count(home), 0u);
  // The project's row goes as a deletion in the same batch.
  auto row = std::find_if(moved.batch.todos.begin(), moved.batch.todos.end(),
                          [&](auto& rec) { return rec.id == home; });
  CAF_REQUIRE(row != moved.batch.todos.end());
  CAF_CHECK(row->json.empty());
  del.request_id = "rdel2";
  del.todo_id = work;
  del.move_to.clear();
  auto deleted = actors::apply_command(todos, del, now, 100);
  CAF_CHECK_EQUAL(deleted.result.code, outcome_code::deleted);
  CAF_CHECK(todos.by_id.empty());
  del.request_id = "rdel3";
  del.todo_id = std::string{actors::domain::inbox_id};
  auto inbox = actors::apply_command(todos, del, now, 100);
  CAF_CHECK_EQUAL(inbox.result.code, outcome_code::invalid);
  CAF_CHECK_EQUAL(inbox.result.field, "id");
}

CAF_TEST(an import names its project and creates it once) {
  command cmd;
  cmd.user_id = "alice";
  cmd.request_id = "ri1";
  cmd.op = command_op::create;
  cmd.patch.title = "x";
  cmd.patch.project_name = "Garden";
  auto first = actors::apply_command(todos, cmd, now, 100);
  CAF_CHECK_EQUAL(event_types(first), (std::vector<std::string>{
                                        "project.created", "todo.created"}));
  cmd.request_id = "ri2";
  cmd.patch.project_name = "GARDEN";
  auto second = actors::apply_command(todos, cmd, now, 100);
  CAF_CHECK_EQUAL(event_types(second),
                  (std::vector<std::string>{"todo.created"}));
  auto p1 = first.result.todo->project_id.str();
  auto p2 = second.result.todo->project_id;
  CAF_CHECK_EQUAL(p1, p2);
  CAF_CHECK_EQUAL(todos.projects.at(p1).name, "Garden");
}

CAF_TEST(notifications are capped and read up to an id) {
  command read;
  read.user_id = "alice";
  read.request_id = "rread0";
  read.op = command_op::notifications_read;
  // An empty feed: nothing to read, and a later notification is unread.
  read.action.until_ms = 1000;
  auto empty = actors::apply_command(todos, read, now, 100);
  CAF_CHECK(!empty.unread_changed);
  CAF_CHECK(empty.batch.events.empty());
  CAF_CHECK_EQUAL(todos.read_up_to, 0);
  todos.max_notifications = 2;
  for (auto id : {"j1", "j2", "j3"}) {
    command cmd;
    cmd.user_id = "alice";
    cmd.request_id = std::string{"r-"} + id;
    cmd.op = command_op::job_finished;
    cmd.todo_id = id;
    cmd.canonical_body = R"({"state":"done"})";
    auto out = actors::apply_command(todos, cmd, now, 100);
    CAF_CHECK(out.noticed);
    CAF_CHECK(out.batch.request.request_id.empty()); // Internal.
  }
  CAF_REQUIRE_EQUAL(todos.notifications.size(), 2u);
  auto oldest = todos.notifications.front().subject;
  CAF_CHECK_EQUAL(oldest, "j2");
  CAF_CHECK_EQUAL(todos.unread(), 2);
  read.request_id = "rread";
  read.action.until_ms = todos.notifications.front().id;
  auto out = actors::apply_command(todos, read, now, 100);
  CAF_CHECK(out.unread_changed);
  CAF_CHECK_EQUAL(todos.unread(), 1);
  // Never back.
  read.request_id = "rread2";
  read.action.until_ms = 0;
  auto back = actors::apply_command(todos, read, now, 100);
  CAF_CHECK(!back.unread_changed);
  CAF_CHECK_EQUAL(todos.unread(), 1);
  // Never past the newest.
  read.request_id = "rread3";
  read.action.until_ms = 1000000;
  auto all = actors::apply_command(todos, read, now, 100);
  CAF_CHECK(all.unread_changed);
  CAF_CHECK_EQUAL(todos.read_up_to, todos.notifications.back().id);
  // The rows: two notifications written, the first one deleted again.
  auto row = actors::records::notification_row(1);
  CAF_CHECK_EQUAL(row, "n_00000000000000000001");
}

CAF_TEST_FIXTURE_SCOPE_END()
