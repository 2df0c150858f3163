#define CAF_SUITE actors.session

#include <chrono>

#include <nlohmann/json.hpp>

#include "actors/session.hpp"

#include "tests/actors/codec.hpp"
#include "tests/actors/node_fixture.hpp"

using namespace actodo;
using nlohmann::json;

namespace {

/// Records what a session actor hands its socket.
class recording_sink : public actors::frame_sink {
 public:
  std::vector<std::string> frames;
  std::vector<std::pair<std::string, actors::command_outcome>> outcomes;
  std::vector<std::pair<std::string, caf::error>> errors;
  std::vector<uint16_t> closed;

  void send(actors::shared_frame frame) override {
    frames.push_back(*frame.text);
  }
  void outcome(const std::string& request_id,
               const actors::command_outcome& x) override {
    outcomes.emplace_back(request_id, x);
  }
  void error(const std::string& request_id, const caf::error& err,
             const std::string&) override {
    errors.emplace_back(request_id, err);
  }
  void close(uint16_t code, std::string) override {
    closed.push_back(code);
  }
};

struct fixture : test::node_fixture {
  actors::session_actor open(actors::session_options opts = {}) {
    auto hdl = sys.spawn(actors::session, std::string{"alice"}, opts, directory,
                         journal, sink, std::chrono::seconds(10),
                         stats.messages);
    sched.run();
    return hdl;
  }

  actors::command create(const std::string& rid, const std::string& body) {
    actors::command cmd;
    cmd.request_id = rid;
    cmd.op = actors::command_op::create;
    test::set_body(cmd, body);
    return cmd;
  }

  std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_tests, fixture)

CAF_TEST(a session welcomes and then streams result and event frames) {
  auto session = open();
  CAF_REQUIRE_EQUAL(sink->frames.size(), 1u);
  CAF_CHECK_EQUAL(json::parse(sink->frames[0]),
                  json({{"type", "welcome"}, {"sequence", 0}}));
  caf::anon_send(session, create("r1", R"({"title":"milk"})"));
  sched.run();
  // The session forwards the command under its own user; the result comes
  // back through the subscription, not as an answer to the session.
  CAF_REQUIRE_EQUAL(sink->frames.size(), 3u);
  auto result = json::parse(sink->frames[1]);
  CAF_CHECK_EQUAL(result["type"], "result");
  CAF_CHECK_EQUAL(result["request_id"], "r1");
  CAF_CHECK_EQUAL(result["status"], 201);
  CAF_CHECK_EQUAL(result["body"]["title"], "milk");
  auto event = json::parse(sink->frames[2]);
  CAF_CHECK_EQUAL(event["event"]["type"], "todo.created");
  CAF_CHECK(sink->outcomes.empty());
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(refusals and resent commands reach only the sender) {
  auto session = open();
  auto cmd = create("r1", R"({"title":"once"})");
  cmd.idempotency_key = "ws:r1";
  caf::anon_send(session, cmd);
  sched.run();
  auto frames = sink->frames.size();
  // The same frame again: nothing is applied, only this client learns.
  caf::anon_send(session, cmd);
  sched.run();
  CAF_CHECK_EQUAL(sink->frames.size(), frames);
  CAF_REQUIRE_EQUAL(sink->outcomes.size(), 1u);
  CAF_CHECK(sink->outcomes[0].second.replayed);
  // The same request id with another command is refused before applying.
  auto other = create("r1", R"({"title":"twice"})");
  other.idempotency_key = "ws:r1";
  caf::anon_send(session, other);
  sched.run();
  CAF_REQUIRE_EQUAL(sink->outcomes.size(), 2u);
  CAF_CHECK_EQUAL(sink->outcomes[1].first, "r1");
  CAF_CHECK(sink->outcomes[1].second.code == actors::outcome_code::key_reused);
  CAF_CHECK(sink->outcomes[1].second.request_id.empty());
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(a resume beyond the replay limit is refused naming after) {
  caf::anon_send(open(), create("r1", R"({"title":"a"})"));
  sched.run();
  actors::session_options opts;
  opts.after = 0;
  opts.max_replay = 0;
  sink = std::make_shared<recording_sink>();
  open(opts);
  CAF_REQUIRE_EQUAL(sink->errors.size(), 1u);
  CAF_CHECK_EQUAL(sink->errors[0].second, ec::limit_exceeded);
  CAF_CHECK_EQUAL(sink->closed, std::vector<uint16_t>{4000});
}

CAF_TEST(a resume from events the retention removed is refused naming after) {
  auto first = open();
  caf::anon_send(first, create("r1", R"({"title":"a"})"));
  caf::anon_send(first, create("r2", R"({"title":"b"})"));
  sched.run();
  // Everything but the last event is older than an hour from now.
  auto later = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()
               + 3600 * 1000;
  CAF_REQUIRE_EQUAL(store->prune_events(later, 100), int64_t{1});
  actors::session_options opts;
  opts.after = 0;
  sink = std::make_shared<recording_sink>();
  open(opts);
  CAF_REQUIRE_EQUAL(sink->errors.size(), 1u);
  CAF_CHECK_EQUAL(sink->errors[0].second, ec::gone);
  CAF_CHECK_EQUAL(error_field(sink->errors[0].second), "after");
  CAF_CHECK_EQUAL(sink->closed, std::vector<uint16_t>{4000});
  // From the last event on, a resume works.
  opts.after = 1;
  sink = std::make_shared<recording_sink>();
  open(opts);
  CAF_CHECK(sink->errors.empty());
  CAF_CHECK(sink->closed.empty());
  CAF_REQUIRE_EQUAL(sink->frames.size(), 2u); // welcome, event 2
  CAF_CHECK(sink->frames[1].find(R"("sequence":2)") != std::string::npos);
}

CAF_TEST(a session subscribes again when its list goes away) {
  auto session = open();
  caf::anon_send(session, create("r1", R"({"title":"milk"})"));
  sched.run();
  CAF_REQUIRE_EQUAL(sink->frames.size(), 3u);
  // The user moves (cluster mode) or the list stops: the session is not
  // closed, it subscribes to the next list and misses nothing.
  auto& users = directory_state().users;
  CAF_REQUIRE_EQUAL(users.count("alice"), 1u);
  auto old_list = users["alice"].handle;
  auto& st = deref<actors::session_actor::stateful_base<actors::session_state>>(
               session)
               .state;
  CAF_CHECK_EQUAL(st.source, old_list.address());
  // What the directory does when the user's partition moved away.
  caf::anon_send(old_list, atom::passivate::value);
  sched.run();
  // The first attempt may still reach the old list (the directory learns
  // of its end in the same round); the retry comes 500 ms later.
  sched.advance_time(std::chrono::milliseconds(500));
  sched.run();
  CAF_CHECK(sink->closed.empty());
  CAF_REQUIRE_EQUAL(users.count("alice"), 1u);
  auto new_list = users["alice"].handle;
  CAF_CHECK_NOT_EQUAL(new_list, old_list);
  CAF_CHECK_EQUAL(list_state(new_list).sessions.size(), 1u);
  caf::anon_send(session, create("r2", R"({"title":"eggs"})"));
  sched.run();
  CAF_REQUIRE_EQUAL(sink->frames.size(), 5u);
  auto result = json::parse(sink->frames[3]);
  auto event = json::parse(sink->frames[4]);
  CAF_CHECK_EQUAL(result["request_id"], "r2");
  CAF_CHECK_EQUAL(event["event"]["sequence"], 2);
}

CAF_TEST(a session drops event frames it has already sent) {
  auto session = open();
  caf::anon_send(session, create("r1", R"({"title":"milk"})"));
  sched.run();
  CAF_REQUIRE_EQUAL(sink->frames.size(), 3u);
  // Sequence 1 went out; the same event again (a new list replaying what
  // the old one sent) is not sent twice, a later one is.
  caf::anon_send(session, atom::frame::value, actors::shared_frame{"again", 1});
  caf::anon_send(session, atom::frame::value, actors::shared_frame{"next", 2});
  caf::anon_send(session, atom::frame::value, actors::shared_frame{"other"});
  sched.run();
  CAF_REQUIRE_EQUAL(sink->frames.size(), 5u);
  CAF_CHECK_EQUAL(sink->frames[3], "next");
  CAF_CHECK_EQUAL(sink->frames[4], "other");
}

CAF_TEST_FIXTURE_SCOPE_END()
