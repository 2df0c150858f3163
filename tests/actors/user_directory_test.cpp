#define CAF_SUITE actors.user_directory

#include <nlohmann/json.hpp>

#include "actors/user_directory.hpp"

#include "tests/actors/codec.hpp"
#include "tests/actors/node_fixture.hpp"

using namespace actodo;
using actors::command;

namespace {

struct fixture : test::node_fixture {
  test::answer create(const std::string& user, const std::string& title) {
    command cmd;
    cmd.user_id = user;
    cmd.request_id = "r" + std::to_string(++requests);
    test::set_body(cmd, nlohmann::json{{"title", title}}.dump());
    self->send(directory, cmd);
    sched.run();
    test::answer result;
    self->receive([&](actors::command_outcome& x) { result = test::view(x); });
    return result;
  }

  actors::user_directory_state& state() {
    return directory_state();
  }

  /// Lets the idle timers of the todo_lists fire once.
  void idle_period() {
    advance_time(settings.idle_timeout);
    sched.run();
  }

  int requests = 0;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(user_directory_tests, fixture)

CAF_TEST(each user gets one todo_list) {
  create("alice", "a1");
  create("bob", "b1");
  create("alice", "a2");
  CAF_CHECK_EQUAL(state().spawned, 2u);
  CAF_REQUIRE_EQUAL(state().users.size(), 2u);
  auto alice = state().users.at("alice").handle;
  auto bob = state().users.at("bob").handle;
  CAF_CHECK_NOT_EQUAL(alice, bob);
  CAF_CHECK_EQUAL(list_state(alice).todos.by_id.size(), 2u);
  CAF_CHECK_EQUAL(list_state(bob).todos.by_id.size(), 1u);
}

CAF_TEST(idle todo_lists are passivated and reloaded from the store) {
  create("alice", "a1");
  create("alice", "a2");
  idle_period();
  // One idle period after the last activity: the list reports and goes.
  idle_period();
  CAF_CHECK_EQUAL(state().passivated, 1u);
  CAF_CHECK(state().users.empty());
  auto r = create("alice", "a3");
  CAF_CHECK_EQUAL(r.status, 201);
  CAF_CHECK_EQUAL(state().spawned, 2u);
  auto& st = list_state(state().users.at("alice").handle);
  CAF_CHECK_EQUAL(st.todos.by_id.size(), 3u);
  CAF_CHECK_EQUAL(st.committed_seq, 3);
}

CAF_TEST(a passivated todo_list leaves nothing that keeps it alive) {
  create("alice", "a1");
  auto addr = state().users.at("alice").handle.address();
  CAF_REQUIRE(caf::actor_cast<caf::strong_actor_ptr>(addr) != nullptr);
  for (int i = 0; i < 3 && state().passivated == 0; ++i)
    idle_period();
  CAF_REQUIRE_EQUAL(state().passivated, 1u);
  // No armed tick (a delayed message holds its receiver) and no request
  // timeout holds the actor: its memory is freed as it quits, not one
  // idle period later.
  CAF_CHECK(caf::actor_cast<caf::strong_actor_ptr>(addr) == nullptr);
}

CAF_TEST(passivations give the freed heap back once per trim period) {
  // What the directory calls (a trim on a thread of its own in production).
  auto released = std::make_shared<int>(0);
  state().settings.release_memory = [released] { ++*released; };
  create("alice", "a1");
  create("bob", "b1");
  idle_period();
  idle_period();
  CAF_CHECK_EQUAL(state().passivated, 2u);
  // Both passivations share one trim, due a trim period later.
  advance_time(settings.trim_delay);
  sched.run();
  CAF_CHECK_EQUAL(state().trims, 1u);
  CAF_CHECK(!state().trim_scheduled);
  // Without passivations, nothing more is scheduled.
  advance_time(settings.trim_delay);
  sched.run();
  CAF_CHECK_EQUAL(state().trims, 1u);
  // The next passivation schedules the next trim.
  create("carol", "c1");
  idle_period();
  idle_period();
  CAF_CHECK_EQUAL(state().passivated, 3u);
  advance_time(settings.trim_delay);
  sched.run();
  CAF_CHECK_EQUAL(state().trims, 2u);
  CAF_CHECK_EQUAL(*released, 2);
}

CAF_TEST(a todo_list with a subscribed session stays resident) {
  auto frames = std::make_shared<std::vector<std::string>>();
  auto session = test::recording_session(sys, frames);
  create("alice", "a1");
  self->send(directory, atom::subscribe::value, std::string{"alice"}, session);
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 1); });
  idle_period();
  idle_period();
  CAF_CHECK_EQUAL(state().passivated, 0u);
  // Once the session is gone, the list may go.
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  sched.run();
  idle_period();
  idle_period();
  CAF_CHECK_EQUAL(state().passivated, 1u);
}

CAF_TEST(an idle report with messages still in flight is ignored) {
  create("alice", "a1");
  auto list = state().users.at("alice").handle;
  auto handled = list_state(list).routed;
  // The directory routed one more message than the list reports as handled.
  self->send(directory, atom::get::value, std::string{"alice"},
             std::string{"t_x"});
  expect((atom::get, std::string, std::string), from(self).to(directory));
  caf::anon_send(directory, atom::idle::value, std::string{"alice"}, handled);
  // The report is anonymous, so it is not even from the list: ignored.
  sched.run();
  CAF_CHECK_EQUAL(state().passivated, 0u);
  self->receive([](actors::domain::todo&) { CAF_FAIL("found a missing todo"); },
                [](caf::error& err) { CAF_CHECK_EQUAL(err, ec::not_found); });
  CAF_CHECK_EQUAL(state().users.count("alice"), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
