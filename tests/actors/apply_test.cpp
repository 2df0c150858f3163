#define CAF_SUITE actors.apply

#include <chrono>
#include <set>
#include <thread>

#include "caf/test/unit_test.hpp"
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/recurrence.hpp"
#include "config/settings.hpp"

#include "tests/actors/codec.hpp"

using namespace actodo;
using actors::command;
using actors::command_op;
using nlohmann::json;

namespace {

// 2026-03-01T00:00:00Z
constexpr int64_t now = 1772323200000;

/// The default cap.
const size_t max_todos = config::list_options{}.max_todos;

command make(command_op op, std::string body, std::string id = {}) {
  static int n = 0;
  command cmd;
  cmd.user_id = "alice";
  cmd.request_id = "r" + std::to_string(++n);
  cmd.op = op;
  cmd.todo_id = std::move(id);
  test::set_body(cmd, body, now);
  return cmd;
}

/// Completes `id` as the todo_list does: the plan first, then the command.
actors::applied complete(actors::user_todos& todos, const std::string& id,
                         size_t max_todos) {
  auto cmd = make(command_op::update, R"({"completed":true})", id);
  actors::successor_plan plan;
  if (auto before = actors::successor_needed(todos, cmd, now))
    plan = actors::plan_successor(*before, now, 10000);
  return actors::apply_command(todos, cmd, now, max_todos, plan);
}

} // namespace

CAF_TEST(the next occurrence counts against the cap) {
  actors::user_todos todos;
  todos.user_id = "alice";
  auto created = actors::apply_command(
    todos,
    make(
      command_op::create,
      R"({"title":"daily","due":"2026-03-02","recurrence":{"preset":"daily"}})"),
    now, 2);
  CAF_REQUIRE_EQUAL(test::status(created.result), 201);
  auto first = complete(todos, created.result.todo_id, 2);
  CAF_CHECK_EQUAL(test::status(first.result), 200);
  CAF_CHECK_EQUAL(todos.by_id.size(), 2u);
  auto doc = json::parse(test::body(first.result));
  auto second = doc["recurrence"]["next_id"].get<std::string>();
  auto last = complete(todos, second, 2);
  CAF_CHECK_EQUAL(test::status(last.result), 200);
  CAF_CHECK_EQUAL(todos.by_id.size(), 2u);
  doc = json::parse(test::body(last.result));
  CAF_CHECK_EQUAL(doc["recurrence"]["ended"], true);
  CAF_CHECK_EQUAL(doc["recurrence"]["end_reason"], "max_todos");
  CAF_CHECK(doc["recurrence"]["next_id"].is_null());
  // The event carries the reason.
  CAF_REQUIRE_EQUAL(last.batch.events.size(), 1u);
  auto ev = json::parse(last.batch.events.front().json);
  CAF_CHECK_EQUAL(ev["data"]["recurrence"]["end_reason"], "max_todos");
  // A create at the cap is 409 naming its field.
  auto full = actors::apply_command(
    todos, make(command_op::create, R"({"title":"third"})"), now, 2);
  CAF_CHECK_EQUAL(test::status(full.result), 409);
  auto problem = json::parse(test::body(full.result));
  CAF_CHECK_EQUAL(problem["field"], "todos");
}

CAF_TEST(a series ends when its expansion runs out of budget) {
  actors::user_todos todos;
  todos.user_id = "alice";
  auto created = actors::apply_command(
    todos,
    make(
      command_op::create,
      R"({"title":"never","due":"2026-03-02","recurrence":{"rrule":"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}})"),
    now, max_todos);
  CAF_REQUIRE_EQUAL(test::status(created.result), 201);
  auto done = complete(todos, created.result.todo_id, 10000);
  auto doc = json::parse(test::body(done.result));
  CAF_CHECK_EQUAL(doc["recurrence"]["ended"], true);
  CAF_CHECK_EQUAL(doc["recurrence"]["end_reason"], "budget");
  CAF_CHECK_EQUAL(todos.by_id.size(), 1u);
}

CAF_TEST(a command that fails validation writes nothing) {
  actors::user_todos todos;
  todos.user_id = "alice";
  auto plain = actors::apply_command(
    todos, make(command_op::create, R"({"title":"no due"})"), now, max_todos);
  CAF_REQUIRE_EQUAL(test::status(plain.result), 201);
  auto seq = todos.last_seq;
  auto bad = actors::apply_command(
    todos,
    make(command_op::update, R"({"recurrence":{"rrule":"FREQ=DAILY"}})",
         plain.result.todo_id),
    now, max_todos);
  CAF_CHECK_EQUAL(test::status(bad.result), 400);
  auto problem = json::parse(test::body(bad.result));
  CAF_CHECK_EQUAL(problem["field"], "recurrence");
  CAF_CHECK(bad.result.request_id.empty());
  CAF_CHECK(bad.batch.request.request_id.empty());
  CAF_CHECK(bad.batch.events.empty());
  CAF_CHECK(bad.batch.todos.empty());
  CAF_CHECK_EQUAL(todos.last_seq, seq);
  // State-dependent refusals (404, 412) stay recorded outcomes.
  auto missing = actors::apply_command(
    todos, make(command_op::update, R"({"title":"x"})", "nope"), now,
    max_todos);
  CAF_CHECK_EQUAL(test::status(missing.result), 404);
  CAF_CHECK(!missing.batch.request.request_id.empty());
}

CAF_TEST(an outcome refers to the event that carries its todo) {
  actors::user_todos todos;
  todos.user_id = "alice";
  auto cmd = make(command_op::create, R"({"title":"a"})");
  cmd.idempotency_key = "k1";
  auto created = actors::apply_command(todos, cmd, now, max_todos);
  CAF_REQUIRE_EQUAL(created.batch.events.size(), 1u);
  auto& req = created.batch.request;
  CAF_CHECK_EQUAL(req.body_seq, created.batch.events[0].seq);
  // The in-memory record still has the body (result frames render it).
  CAF_CHECK_EQUAL(req.body, created.batch.todos[0].json);
  // The fingerprint is a hash, and only kept when a key binds it.
  CAF_CHECK_EQUAL(req.fingerprint.size(), 64u);
  CAF_CHECK(actors::same_command(req.fingerprint, cmd));
  auto legacy = "create  -1 " + cmd.canonical_body;
  CAF_CHECK(actors::same_command(legacy, cmd));
  auto other = make(command_op::create, R"({"title":"b"})");
  CAF_CHECK(!actors::same_command(req.fingerprint, other));
  CAF_CHECK(!actors::same_command(legacy, other));
  auto unkeyed = actors::apply_command(todos, other, now, max_todos);
  CAF_CHECK(unkeyed.batch.request.fingerprint.empty());
  // A change that produces no event keeps its body.
  auto same = actors::apply_command(
    todos, make(command_op::update, R"({"title":"a"})", created.result.todo_id),
    now, max_todos);
  CAF_CHECK(same.batch.events.empty());
  CAF_CHECK_EQUAL(same.batch.request.body_seq, 0);
  CAF_CHECK(!same.batch.request.body.empty());
}

CAF_TEST(new ids sort by creation time and keep their shape) {
  auto first = actors::new_id("t_");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto second = actors::new_id("t_");
  CAF_CHECK_LESS(first, second);
  CAF_CHECK_EQUAL(first.size(), 22u);
  CAF_CHECK_EQUAL(first.find_first_not_of("0123456789abcdefghijklmnopqrstuv",
                                          2),
                  std::string::npos);
  // Ids of the same millisecond differ in their random half.
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i)
    ids.insert(actors::new_id("r_"));
  CAF_CHECK_EQUAL(ids.size(), 1000u);
}

CAF_TEST(user_todos keys each todo by a view of its own id) {
  using actors::domain::todo;
  auto make_todo = [](std::string id, std::string parent = {}) {
    todo t;
    t.id = std::move(id);
    t.title = "title of " + t.id;
    t.parent_id = std::move(parent);
    return t;
  };
  auto keys_view_ids = [](const actors::user_todos& xs) {
    for (auto& [key, t] : xs.by_id)
      if (key.data() != t.id.data() || key != t.id)
        return false;
    return true;
  };
  actors::user_todos todos;
  // A bad stored row with an empty id does not swallow later todos.
  todos.put(make_todo(""));
  todos.put(make_todo("t_short"));
  todos.put(make_todo("t_a_longer_id_on_the_heap"));
  CAF_CHECK_EQUAL(todos.by_id.size(), 3u);
  CAF_CHECK(keys_view_ids(todos));
  // Replacing a todo (same parent) and moving it under a parent re-key it.
  auto changed = todos.by_id.at("t_short");
  changed.title = "renamed";
  todos.put(changed);
  todos.put(make_todo("t_a_longer_id_on_the_heap", "t_short"));
  CAF_CHECK_EQUAL(todos.by_id.size(), 3u);
  CAF_CHECK_EQUAL(todos.by_id.at("t_short").title, "renamed");
  CAF_CHECK_EQUAL(todos.descendants("t_short"),
                  std::vector<std::string>{"t_a_longer_id_on_the_heap"});
  CAF_CHECK(keys_view_ids(todos));
  // A moved list keeps its nodes, so its keys stay valid.
  auto moved = std::move(todos);
  CAF_CHECK(keys_view_ids(moved));
  moved.erase("t_short");
  CAF_CHECK_EQUAL(moved.by_id.count("t_short"), 0u);
  CAF_CHECK(keys_view_ids(moved));
}
