#define CAF_SUITE actors.todo_list

#include "caf/actor_storage.hpp"
#include "caf/stateful_actor.hpp"
#include <nlohmann/json.hpp>

#include "actors/todo_list.hpp"
#include "actors/user_directory.hpp"

#include "tests/actors/codec.hpp"
#include "tests/actors/node_fixture.hpp"

using namespace actodo;
using actors::command;
using actors::command_op;
using nlohmann::json;

namespace {

struct fixture : test::node_fixture {
  command make(command_op op, std::string body, std::string id = {},
               std::string user = "alice") {
    command cmd;
    cmd.user_id = std::move(user);
    cmd.request_id = "r" + std::to_string(++requests);
    cmd.op = op;
    cmd.todo_id = std::move(id);
    test::set_body(cmd, body);
    return cmd;
  }

  /// Sends a command through the directory and returns the reply.
  test::answer submit(command cmd) {
    self->send(directory, std::move(cmd));
    sched.run();
    test::answer result;
    self->receive([&](actors::command_outcome& x) { result = test::view(x); },
                  [&](caf::error& err) {
                    CAF_FAIL("command failed: " << caf::to_string(err));
                  });
    return result;
  }

  actors::todo_list_actor list_of(const std::string& user) {
    auto& users = directory_state().users;
    auto i = users.find(user);
    CAF_REQUIRE(i != users.end());
    return i->second.handle;
  }

  int requests = 0;
};

} // namespace

// A resident list's actor (control block, CAF's actor, the state) is one
// heap block. At most 1,536 bytes it is one jemalloc size class; at 1,592
// it took a 1,792-byte block (bench/RESULTS.md, #14 memory).
CAF_TEST(a todo_list actor fits a 1536 byte block) {
  using impl = caf::stateful_actor<actors::todo_list_state,
                                   actors::todo_list_actor::base>;
  CAF_CHECK_LESS_OR_EQUAL(sizeof(caf::actor_storage<impl>), 1536u);
}

CAF_TEST_FIXTURE_SCOPE(todo_list_tests, fixture)

CAF_TEST(a create is answered after the commit and pushed to sessions) {
  auto frames = std::make_shared<std::vector<std::string>>();
  auto session = test::recording_session(sys, frames);
  self->send(directory, atom::subscribe::value, std::string{"alice"}, session);
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 0); });
  self->send(directory, make(command_op::create, R"({"title":"milk"})"));
  expect((command), from(self).to(directory));
  auto list = list_of("alice");
  expect((command), from(self).to(list));
  expect((atom::append, persistence::user_batch), from(list).to(journal));
  // Not durable yet: no reply, no frames.
  CAF_CHECK(self->mailbox().empty());
  CAF_CHECK(frames->empty());
  expect((atom::flush), from(journal).to(journal));
  expect((int64_t), from(journal).to(list).with(1));
  sched.run();
  test::answer r;
  self->receive([&](actors::command_outcome& x) { r = test::view(x); });
  CAF_CHECK_EQUAL(r.status, 201);
  CAF_CHECK_EQUAL(r.state, "done");
  CAF_CHECK_EQUAL(r.version, 1);
  auto todo = json::parse(r.body);
  CAF_CHECK_EQUAL(todo["title"], "milk");
  CAF_CHECK_EQUAL(todo["id"], r.todo_id);
  CAF_REQUIRE_EQUAL(frames->size(), 2u);
  auto result = json::parse(frames->at(0));
  CAF_CHECK_EQUAL(result["type"], "result");
  CAF_CHECK_EQUAL(result["request_id"], "r1");
  CAF_CHECK_EQUAL(result["status"], 201);
  auto event = json::parse(frames->at(1));
  CAF_CHECK_EQUAL(event["type"], "event");
  CAF_CHECK_EQUAL(event["event"]["type"], "todo.created");
  CAF_CHECK_EQUAL(event["event"]["sequence"], 1);
  CAF_CHECK_EQUAL(event["event"]["subject"], r.todo_id);
  CAF_CHECK_EQUAL(list_state(list).committed_seq, 1);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

CAF_TEST(updates check versions and missing todos) {
  auto created = submit(make(command_op::create, R"({"title":"milk"})"));
  auto id = created.todo_id;
  auto stale = make(command_op::update, R"({"title":"oat milk"})", id);
  stale.if_match = 7;
  auto r = submit(stale);
  CAF_CHECK_EQUAL(r.status, 412);
  CAF_CHECK_EQUAL(r.state, "failed");
  auto problem = json::parse(r.body);
  CAF_CHECK_EQUAL(problem["field"], "If-Match");
  auto fresh = make(command_op::update, R"({"completed":true})", id);
  fresh.if_match = 1;
  r = submit(fresh);
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.version, 2);
  auto updated = json::parse(r.body);
  CAF_CHECK_EQUAL(updated["completed"], true);
  r = submit(make(command_op::update, R"({"title":"x"})", "t_nope"));
  CAF_CHECK_EQUAL(r.status, 404);
  r = submit(make(command_op::remove, "", id));
  CAF_CHECK_EQUAL(r.status, 204);
  // Rejected commands wrote their outcome but no event.
  auto events = store->read_events("alice", 0, 100);
  CAF_REQUIRE(events);
  CAF_REQUIRE_EQUAL(events->size(), 3u);
  CAF_CHECK_EQUAL(events->at(0).type, "todo.created");
  CAF_CHECK_EQUAL(events->at(1).type, "todo.completed");
  CAF_CHECK_EQUAL(events->at(2).type, "todo.deleted");
  auto rejected = store->find_request("alice", "r2");
  CAF_REQUIRE(rejected);
  CAF_REQUIRE(rejected->has_value());
  CAF_CHECK_EQUAL((*rejected)->status, 412);
}

CAF_TEST(an idempotency key applies a command once) {
  auto first = make(command_op::create, R"({"title":"once"})");
  first.idempotency_key = "k1";
  auto a = submit(first);
  auto again = make(command_op::create, R"({ "title" : "once" })");
  again.idempotency_key = "k1";
  auto b = submit(again);
  CAF_CHECK_EQUAL(b.status, 201);
  CAF_CHECK_EQUAL(b.request_id, a.request_id);
  CAF_CHECK_EQUAL(b.body, a.body);
  auto other = make(command_op::create, R"({"title":"twice"})");
  other.idempotency_key = "k1";
  auto c = submit(other);
  CAF_CHECK_EQUAL(c.status, 422);
  auto events = store->read_events("alice", 0, 100);
  CAF_REQUIRE(events);
  CAF_CHECK_EQUAL(events->size(), 1u);
  auto& st = list_state(list_of("alice"));
  CAF_CHECK_EQUAL(st.todos.by_id.size(), 1u);
}

CAF_TEST(a failed commit fails every pending command and reloads the user) {
  submit(make(command_op::create, R"({"title":"kept"})"));
  store->fail_commits = true;
  self->send(directory, make(command_op::create, R"({"title":"lost 1"})"));
  self->send(directory, make(command_op::create, R"({"title":"lost 2"})"));
  sched.run();
  for (int i = 0; i < 2; ++i)
    self->receive(
      [](actors::command_outcome&) {
        CAF_FAIL("acknowledged a failed commit");
      },
      [](caf::error& err) { CAF_CHECK_EQUAL(err, ec::store_failure); });
  // The failed todo_list is gone; the next one starts from the store.
  CAF_CHECK(directory_state().users.empty());
  store->fail_commits = false;
  auto r = submit(make(command_op::create, R"({"title":"after"})"));
  CAF_CHECK_EQUAL(r.status, 201);
  auto& st = list_state(list_of("alice"));
  CAF_CHECK_EQUAL(st.todos.by_id.size(), 2u);
  CAF_CHECK_EQUAL(st.committed_seq, 2);
}

CAF_TEST(list and get answer from memory) {
  submit(make(command_op::create, R"({"title":"b","priority":"high"})"));
  auto a = submit(make(command_op::create, R"({"title":"a"})"));
  actors::domain::query q;
  q.sort = {actors::domain::sort_key{actors::domain::sort_key::title, false}};
  self->send(directory, atom::list::value, std::string{"alice"}, q);
  self->send(directory, atom::get::value, std::string{"alice"}, a.todo_id);
  self->send(directory, atom::get::value, std::string{"bob"}, a.todo_id);
  sched.run();
  self->receive([](actors::todo_page& page) {
    CAF_REQUIRE_EQUAL(page.items.size(), 2u);
    CAF_CHECK_EQUAL(page.items[0].title, "a");
    CAF_CHECK_EQUAL(page.items[1].title, "b");
    CAF_CHECK(!page.next);
  });
  self->receive(
    [&](actors::domain::todo& t) { CAF_CHECK_EQUAL(t.id, a.todo_id); });
  // Another user does not see alice's todo.
  self->receive(
    [](actors::domain::todo&) { CAF_FAIL("bob sees alice's todo"); },
    [](caf::error& err) {
      CAF_CHECK_EQUAL(err, ec::not_found);
      CAF_CHECK_EQUAL(error_field(err), "id");
    });
}

CAF_TEST(a request is pending until durable and then reports its outcome) {
  auto created = submit(make(command_op::create, R"({"title":"x"})"));
  self->send(directory, atom::status::value, std::string{"alice"},
             created.request_id);
  self->send(directory, atom::status::value, std::string{"alice"},
             std::string{"r_unknown"});
  sched.run();
  self->receive([&](persistence::request_record& rec) {
    CAF_CHECK_EQUAL(rec.state, "done");
    CAF_CHECK_EQUAL(rec.status, 201);
    CAF_CHECK_EQUAL(json::parse(rec.body).at("id").get<std::string>(),
                    created.todo_id);
  });
  self->receive([](persistence::request_record&) { CAF_FAIL("unknown id"); },
                [](caf::error& err) { CAF_CHECK_EQUAL(err, ec::not_found); });
}

CAF_TEST(large lists answer from indexes that follow every change) {
  using actors::domain::sort_key;
  auto titles_of = [this](const std::string& user) {
    actors::domain::query q;
    q.sort = {sort_key{sort_key::title, true}};
    q.limit = 500;
    self->send(directory, atom::list::value, user, q);
    sched.run();
    std::vector<std::string> result;
    self->receive([&](actors::todo_page& page) {
      for (auto& t : page.items)
        result.push_back(t.title.str());
    });
    return result;
  };
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    auto title = "t" + std::to_string(1000 + i);
    ids.push_back(
      submit(make(command_op::create, R"({"title":")" + title + R"("})"))
        .todo_id);
  }
  auto& st = list_state(list_of("alice"));
  CAF_CHECK(!st.indexes);
  auto first = titles_of("alice");
  CAF_CHECK(st.indexes != nullptr);
  CAF_REQUIRE_EQUAL(first.size(), 300u);
  CAF_CHECK_EQUAL(first.front(), "t1299");
  // A retitle moves a todo, a delete drops it, a create adds one.
  submit(make(command_op::update, R"({"title":"t9999"})", ids[0]));
  submit(make(command_op::remove, "", ids[299]));
  submit(make(command_op::create, R"({"title":"t0000"})"));
  auto after = titles_of("alice");
  CAF_REQUIRE_EQUAL(after.size(), 300u);
  CAF_CHECK_EQUAL(after.front(), "t9999");
  CAF_CHECK_EQUAL(after[1], "t1298");
  CAF_CHECK_EQUAL(after.back(), "t0000");
  CAF_CHECK(std::is_sorted(after.rbegin(), after.rend()));
  // Below half the threshold the list scans again and frees the index.
  for (int i = 1; i < 200; ++i)
    submit(make(command_op::remove, "", ids[i]));
  auto small = titles_of("alice");
  CAF_CHECK_EQUAL(small.size(), 101u);
  CAF_CHECK(!st.indexes);
}

CAF_TEST_FIXTURE_SCOPE_END()
