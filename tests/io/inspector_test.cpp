#define CAF_SUITE io.inspector

#include <nlohmann/json.hpp>

#include "io/console/inspector.hpp"

#include "tests/actors/codec.hpp"
#include "tests/actors/node_fixture.hpp"

using namespace actodo;
using nlohmann::json;

namespace {

const std::string token = "0123456789abcdef0123456789abcdef";

struct fixture : test::node_fixture {
  fixture() {
    inspector = sys.spawn(io::console::inspector, token, directory, stats,
                          caf::timespan{std::chrono::seconds(10)},
                          actors::reminder_scheduler_actor{},
                          actors::cluster_agent_actor{});
    sched.run();
  }

  ~fixture() override {
    caf::anon_send_exit(inspector, caf::exit_reason::user_shutdown);
    sched.run();
  }

  /// Runs one console command; the answer or the error's description.
  std::string ask(const std::string& line, bool as_json,
                  const std::string& with = token) {
    self->send(inspector, atom::inspect::value, with, line, as_json);
    sched.run();
    std::string answer;
    self->receive([&](std::string& text) { answer = std::move(text); },
                  [&](caf::error& err) { answer = "!" + describe(err); });
    return answer;
  }

  /// The `error` member of a JSON answer.
  std::string error_of(const std::string& line) {
    auto doc = json::parse(ask(line, true));
    return doc.value("error", "");
  }

  actors::inspector_actor inspector;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(inspector_tests, fixture)

CAF_TEST(a wrong admin token is refused) {
  CAF_CHECK_EQUAL(ask("help", false, token + "x"), "!wrong admin token");
}

CAF_TEST(the user view renders the typed summary of a resident list) {
  auto absent = json::parse(ask("user alice", true));
  CAF_CHECK_EQUAL(absent, json({{"user", "alice"}, {"resident", false}}));
  actors::command cmd;
  cmd.user_id = "alice";
  cmd.request_id = "r1";
  cmd.op = actors::command_op::create;
  test::set_body(cmd, R"({"title":"milk"})");
  self->send(directory, cmd);
  sched.run();
  self->receive([](actors::command_outcome&) {});
  auto doc = json::parse(ask("user alice", true));
  CAF_CHECK_EQUAL(doc.value("resident", false), true);
  CAF_CHECK_EQUAL(doc.value("todos", 0), 1);
  CAF_CHECK_EQUAL(doc.value("open", 0), 1);
  CAF_CHECK_EQUAL(doc.value("last_sequence", 0), 1);
  CAF_CHECK_EQUAL(doc.value("committed_sequence", 0), 1);
  CAF_CHECK(doc.at("pending_reminders").empty());
  // Text mode: one `key: value` line per member.
  auto text = ask("user alice", false);
  CAF_CHECK_NOT_EQUAL(text.find("todos: 1\n"), std::string::npos);
}

CAF_TEST(unknown commands and missing parts are explained) {
  CAF_CHECK_EQUAL(error_of("frobnicate"),
                  "unknown command 'frobnicate' (try help)");
  CAF_CHECK_EQUAL(error_of("user"), "usage: user <id>");
  CAF_CHECK_EQUAL(error_of("reminders"), "no reminder scheduler on this node");
  CAF_CHECK_EQUAL(error_of("actors nope"), "unknown actor kind nope");
}

CAF_TEST_FIXTURE_SCOPE_END()
