#define CAF_SUITE actors.wire

#include "caf/binary_deserializer.hpp"
#include "caf/binary_serializer.hpp"
#include "caf/test/unit_test.hpp"

#include "actors/interfaces.hpp"

#include "tests/actors/codec.hpp"

using namespace actodo;

namespace {

/// Serializes `x` as BASP would and reads it back.
template<class T>
T round_trip(T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  if (auto err = sink(x))
    CAF_FAIL("cannot serialize: " << caf::to_string(err));
  T y;
  caf::binary_deserializer source{nullptr, buf};
  if (auto err = source(y))
    CAF_FAIL("cannot deserialize: " << caf::to_string(err));
  return y;
}

} // namespace

CAF_TEST(a command crosses the network with its typed patch) {
  actors::command cmd;
  cmd.user_id = "alice";
  cmd.request_id = "r1";
  cmd.op = actors::command_op::create;
  cmd.if_match = 3;
  test::set_body(
    cmd,
    R"({"title":"pay rent","notes":null,"priority":"high","tags":["home"],)"
    R"("due":"2026-04-01","time_zone":"Europe/Berlin","order":2.5,)"
    R"("reminders":[{"offset":"-PT1H","misfire":"skip"}],)"
    R"("recurrence":{"preset":"monthly","exdates":["2026-05-01"]}})");
  auto copy = round_trip(cmd);
  CAF_CHECK_EQUAL(copy.user_id, "alice");
  CAF_CHECK_EQUAL(copy.if_match, 3);
  CAF_CHECK_EQUAL(copy.canonical_body, cmd.canonical_body);
  auto& p = copy.patch;
  CAF_CHECK(p.title == std::optional<std::string>{"pay rent"});
  CAF_CHECK(p.notes == std::optional<std::string>{""});
  CAF_CHECK(!p.completed);
  CAF_CHECK(
    p.prio
    == std::optional<actors::domain::priority>{actors::domain::priority::high});
  CAF_CHECK(p.order == std::optional<double>{2.5});
  CAF_REQUIRE(p.reminders && p.reminders->size() == 1);
  CAF_CHECK(p.reminders->front() == cmd.patch.reminders->front());
  CAF_REQUIRE(p.recurrence && *p.recurrence);
  CAF_CHECK_EQUAL((*p.recurrence)->preset, "monthly");
  CAF_CHECK_EQUAL((*p.recurrence)->exdates.size(), 1u);
}

CAF_TEST(a cleared recurrence stays cleared across the network) {
  actors::command cmd;
  cmd.op = actors::command_op::update;
  test::set_body(cmd, R"({"recurrence":null})");
  auto copy = round_trip(cmd);
  CAF_REQUIRE(copy.patch.recurrence);
  CAF_CHECK(!*copy.patch.recurrence);
  CAF_CHECK(!copy.patch.title);
}

CAF_TEST(an outcome crosses the network with its todo) {
  actors::domain::todo t;
  t.id = "t_1";
  t.title = "milk";
  t.version = 4;
  t.recur = actors::domain::recurrence{};
  t.recur->rrule = "FREQ=DAILY";
  actors::command_outcome x;
  x.request_id = "r1";
  x.code = actors::outcome_code::updated;
  x.todo_id = t.id;
  x.version = t.version;
  x.todo = t;
  auto copy = round_trip(x);
  CAF_CHECK(copy.code == actors::outcome_code::updated);
  CAF_REQUIRE(copy.todo);
  CAF_CHECK(*copy.todo == t);
  actors::command_outcome refused;
  refused.code = actors::outcome_code::not_found;
  refused.field = "id";
  auto back = round_trip(refused);
  CAF_CHECK(!back.todo);
  CAF_CHECK_EQUAL(back.field, "id");
  CAF_CHECK_EQUAL(test::status(back), 404);
}

CAF_TEST(a shared frame crosses the network as its text) {
  actors::shared_frame f{R"({"type":"welcome","sequence":1})"};
  auto copy = round_trip(f);
  CAF_REQUIRE(copy.text);
  CAF_CHECK_EQUAL(*copy.text, *f.text);
}
