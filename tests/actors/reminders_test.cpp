#define CAF_SUITE actors.reminders

#include "caf/test/unit_test.hpp"
#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "actors/journal.hpp"
#include "actors/node_metrics.hpp"
#include "actors/reminder_scheduler.hpp"
#include "actors/todo_list.hpp"
#include "actors/user_directory.hpp"

#include "tests/actors/codec.hpp"
#include "tests/actors/fixture.hpp"

using namespace actodo;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// 2026-03-27T08:00:00Z: the virtual clock starts here.
constexpr int64_t base_ms = 1774598400000;

using frames = std::shared_ptr<std::vector<json>>;

/// Stands in for a WebSocket session: collects every frame.
actors::session_actor::behavior_type collector(actors::session_actor::pointer,
                                               frames out) {
  return {
    [out](atom::frame, const actors::shared_frame& frame) {
      out->push_back(json::parse(*frame.text));
    },
    [](actors::command&) {},
    [](atom::expire) {},
    [](atom::retry) {},
  };
}

/// The journal, directory and scheduler of a node on virtual
/// time: `advance(d)` moves the clock and delivers what falls due.
struct fixture : test_coordinator_fixture<test::test_config> {
  fixture() {
    t0 = sched.clock().now();
    auto clock = [this] {
      return base_ms
             + std::chrono::duration_cast<std::chrono::milliseconds>(
                 sched.clock().now() - t0)
                 .count();
    };
    store = test::open_store(dir.path);
    journal = sys.spawn(actors::journal, store, test::unpruned_journal(),
                        stats.journal, stats.messages);
    actors::reminder_scheduler_settings rs;
    rs.clock = clock;
    rs.request_timeout = 1h;
    scheduler = sys.spawn(actors::reminder_scheduler, journal, rs,
                          stats.reminders, stats.messages);
    actors::todo_list_settings ls;
    ls.idle_timeout = 24h;
    ls.request_timeout = 1h;
    ls.clock = clock;
    ls.scheduler = scheduler;
    // Deterministic: no worker threads under the test coordinator.
    ls.inline_expansions = true;
    ls.messages = stats.messages;
    ls.recurrences = stats.reminders;
    directory = sys.spawn(actors::user_directory, journal, ls, stats.lists);
    self->send(scheduler, atom::start::value, directory);
    sched.run();
    self->send(directory, atom::subscribe::value, user,
               sys.spawn(collector, seen));
    sched.run();
    self->receive([](int64_t) {});
  }

  ~fixture() override {
    for (auto hdl : {caf::actor_cast<caf::actor>(directory),
                     caf::actor_cast<caf::actor>(scheduler),
                     caf::actor_cast<caf::actor>(journal)})
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    sched.run();
  }

  std::string at(caf::timespan offset) {
    return actors::domain::format_rfc3339_ms(
      base_ms
      + std::chrono::duration_cast<std::chrono::milliseconds>(offset).count());
  }

  /// The virtual clock in ms since the epoch.
  int64_t now_ms() {
    return base_ms
           + std::chrono::duration_cast<std::chrono::milliseconds>(
               sched.clock().now() - t0)
               .count();
  }

  test::answer submit(actors::command_op op, std::string id, json body) {
    actors::command cmd;
    cmd.user_id = user;
    cmd.request_id = "r" + std::to_string(++requests);
    cmd.op = op;
    cmd.todo_id = std::move(id);
    test::set_body(cmd, body.is_null() ? std::string{} : body.dump(), now_ms());
    self->send(directory, std::move(cmd));
    sched.run();
    test::answer result;
    self->receive([&](actors::command_outcome& x) { result = test::view(x); },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return result;
  }

  json create(json body) {
    auto r = submit(actors::command_op::create, "", std::move(body));
    CAF_REQUIRE_EQUAL(r.status, 201);
    return json::parse(r.body);
  }

  json update(const std::string& id, json body) {
    auto r = submit(actors::command_op::update, id, std::move(body));
    CAF_REQUIRE_EQUAL(r.status, 200);
    return json::parse(r.body);
  }

  /// Moves the virtual clock forward in one-second steps, delivering
  /// timers and messages as they fall due.
  void advance(caf::timespan d) {
    for (auto left = d; left > caf::timespan{0}; left -= 1s) {
      sched.advance_time(std::min<caf::timespan>(left, 1s));
      sched.run();
    }
  }

  /// Titles of the reminder frames seen so far (and forgets them).
  std::vector<std::string> reminders() {
    std::vector<std::string> result;
    for (auto& f : *seen)
      if (f.at("type") == "reminder")
        result.push_back(f.at("title"));
    seen->clear();
    return result;
  }

  json todo(const std::string& id) {
    self->send(directory, atom::get::value, user, id);
    sched.run();
    json result;
    self->receive(
      [&](actors::domain::todo& t) { result = actors::domain::to_json(t); });
    return result;
  }

  caf::actor_clock::time_point t0;
  test::temp_dir dir;
  std::shared_ptr<test::faulty_store> store;
  actors::node_metrics stats;
  actors::journal_actor journal;
  actors::reminder_scheduler_actor scheduler;
  actors::user_directory_actor directory;
  std::string user = "alice";
  frames seen = std::make_shared<std::vector<json>>();
  int requests = 0;
};

using strings = std::vector<std::string>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(reminder_tests, fixture)

CAF_TEST(reminders fire in order of their instants and not before) {
  create({{"title", "third"}, {"reminders", {{{"at", at(30s)}}}}});
  create({{"title", "first"}, {"reminders", {{{"at", at(10s)}}}}});
  create({{"title", "second"}, {"reminders", {{{"at", at(20s)}}}}});
  advance(9s);
  CAF_CHECK_EQUAL(reminders(), strings{});
  advance(1s);
  CAF_CHECK_EQUAL(reminders(), strings{"first"});
  advance(20s);
  CAF_CHECK_EQUAL(reminders(), (strings{"second", "third"}));
  advance(1h);
  CAF_CHECK_EQUAL(reminders(), strings{});
  CAF_CHECK_EQUAL(stats.reminders->fired.value(), 3);
  CAF_CHECK_EQUAL(stats.reminders->pending.value(), 0);
}

CAF_TEST(an offset reminder follows due and fires again after a snooze) {
  auto t = create({{"title", "call"},
                   {"due", at(20min)},
                   {"reminders", {{{"offset", "-PT15M"}}}}});
  advance(4min);
  CAF_CHECK_EQUAL(reminders(), strings{});
  advance(1min);
  CAF_CHECK_EQUAL(reminders(), strings{"call"});
  auto r = submit(actors::command_op::snooze, t["id"],
                  {{"reminder", 0}, {"for", "PT5M"}});
  CAF_REQUIRE_EQUAL(r.status, 200);
  advance(4min);
  CAF_CHECK_EQUAL(reminders(), strings{});
  advance(1min);
  CAF_CHECK_EQUAL(reminders(), strings{"call"});
  auto after = todo(t["id"]);
  CAF_CHECK_EQUAL(after["reminders"][0]["state"], "fired");
}

CAF_TEST(dismiss edit complete and delete cancel reminders) {
  auto dismissed = create(
    {{"title", "dismissed"}, {"reminders", {{{"at", at(10s)}}}}});
  auto edited = create(
    {{"title", "edited"}, {"reminders", {{{"at", at(10s)}}}}});
  auto completed = create(
    {{"title", "completed"}, {"reminders", {{{"at", at(10s)}}}}});
  auto deleted = create(
    {{"title", "deleted"}, {"reminders", {{{"at", at(10s)}}}}});
  CAF_CHECK_EQUAL(submit(actors::command_op::dismiss, dismissed["id"],
                         {{"reminder", 0}})
                    .status,
                  200);
  update(edited["id"], {{"reminders", {{{"at", at(60s)}}}}});
  update(completed["id"], {{"completed", true}});
  CAF_CHECK_EQUAL(
    submit(actors::command_op::remove, deleted["id"], nullptr).status, 204);
  advance(30s);
  CAF_CHECK_EQUAL(reminders(), strings{});
  advance(30s);
  CAF_CHECK_EQUAL(reminders(), strings{"edited"});
  auto still = todo(dismissed["id"]);
  CAF_CHECK_EQUAL(still["reminders"][0]["state"], "dismissed");
}

CAF_TEST(completing a recurring todo creates one next occurrence until COUNT) {
  auto first = create({{"title", "daily"},
                       {"due", "2026-03-28T09:00:00+01:00"},
                       {"time_zone", "Europe/Berlin"},
                       {"recurrence", {{"rrule", "FREQ=DAILY;COUNT=2"}}}});
  auto done = update(first["id"], {{"completed", true}});
  auto next_id = done["recurrence"]["next_id"].get<std::string>();
  auto second = todo(next_id);
  // Across the switch to summer time: still 09:00 local.
  CAF_CHECK_EQUAL(second["due"], "2026-03-29T09:00:00+02:00");
  CAF_CHECK_EQUAL(second["recurrence"]["index"], 2);
  CAF_CHECK_EQUAL(second["recurrence"]["series_id"], first["id"]);
  // A retried completion creates nothing new.
  update(first["id"], {{"completed", false}});
  auto again = update(first["id"], {{"completed", true}});
  CAF_CHECK_EQUAL(again["recurrence"]["next_id"], next_id);
  auto last = update(next_id, {{"completed", true}});
  CAF_CHECK(last["recurrence"]["next_id"].is_null());
  CAF_CHECK_EQUAL(last["recurrence"]["ended"], true);
  CAF_CHECK_EQUAL(stats.reminders->occurrences_generated.value(), 1);
}

CAF_TEST(UNTIL ends a series and a passed from_due occurrence continues it) {
  auto t = create(
    {{"title", "weekly"},
     {"due", at(1min)},
     {"recurrence", {{"rrule", "FREQ=WEEKLY;UNTIL=20260404T235959"}}}});
  // Its due instant passes: the scheduler wakes it, the next one appears.
  advance(1min);
  auto next_id = todo(t["id"])["recurrence"]["next_id"];
  CAF_REQUIRE(next_id.is_string());
  auto next = todo(next_id);
  CAF_CHECK_EQUAL(next["due"].get<std::string>().substr(0, 16),
                  "2026-04-03T08:01");
  // The one after would be past UNTIL.
  auto last = update(next_id, {{"completed", true}});
  CAF_CHECK_EQUAL(last["recurrence"]["ended"], true);
}

CAF_TEST(reminders missed while down are caught up at the catch - up rate) {
  for (int i = 0; i < 6; ++i)
    create({{"title", "missed " + std::to_string(i)},
            {"reminders", {{{"at", at(5s)}}}}});
  // The scheduler goes down before they fall due (the node is down).
  caf::anon_send_exit(scheduler, caf::exit_reason::user_shutdown);
  sched.run();
  advance(60s);
  CAF_CHECK_EQUAL(reminders(), strings{});
  // A restart: the new scheduler finds six missed entries in the index.
  actors::reminder_scheduler_settings rs;
  rs.clock = [this] {
    return base_ms
           + std::chrono::duration_cast<std::chrono::milliseconds>(
               sched.clock().now() - t0)
               .count();
  };
  rs.request_timeout = 1h;
  rs.catchup_rate = 2;
  scheduler = sys.spawn(actors::reminder_scheduler, journal, rs,
                        stats.reminders, stats.messages);
  self->send(scheduler, atom::start::value, directory);
  sched.run();
  CAF_CHECK_EQUAL(stats.reminders->backlog.value(), 6);
  CAF_CHECK_EQUAL(reminders().size(), 0u);
  // Two per second, not all six at once.
  advance(1s);
  auto second = reminders().size();
  CAF_CHECK_GREATER_OR_EQUAL(second, 1u);
  CAF_CHECK_LESS_OR_EQUAL(second, 2u);
  advance(10s);
  CAF_CHECK_EQUAL(reminders().size(), 6u - second);
  CAF_CHECK_EQUAL(stats.reminders->backlog.value(), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
