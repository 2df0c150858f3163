#define CAF_SUITE io.kafka

#include "caf/test/unit_test.hpp"

#include "io/cloud_events.hpp"
#include "io/kafka_client.hpp"
#include "io/offset_tracker.hpp"

using namespace actodo;

namespace {

io::kafka_record command(std::string type, std::string value,
                         std::string subject = "") {
  io::kafka_record rec;
  rec.key = "alice";
  rec.value = std::move(value);
  rec.headers = {{"ce_specversion", "1.0"},
                 {"ce_id", "c-1"},
                 {"ce_type", "actodo.command." + type}};
  if (!subject.empty())
    rec.headers.emplace_back("ce_subject", subject);
  return rec;
}

} // namespace

CAF_TEST(offsets commit only up to the first unfinished record) {
  io::offset_tracker t;
  t.consumed(0, 10);
  t.consumed(0, 11);
  t.consumed(0, 12);
  t.done(0, 11);
  auto c = t.take_commits();
  CAF_REQUIRE_EQUAL(c.size(), 1u);
  CAF_CHECK_EQUAL(c[0].second, 10); // 10 still open
  CAF_CHECK(t.take_commits().empty());
  t.done(0, 10);
  c = t.take_commits();
  CAF_REQUIRE_EQUAL(c.size(), 1u);
  CAF_CHECK_EQUAL(c[0].second, 12);
  t.done(0, 12);
  c = t.take_commits();
  CAF_REQUIRE_EQUAL(c.size(), 1u);
  CAF_CHECK_EQUAL(c[0].second, 13);
  t.forget(0);
  t.done(0, 13); // revoked: ignored
  CAF_CHECK(t.take_commits().empty());
}

CAF_TEST(binary command records decode) {
  actors::command cmd;
  CAF_CHECK(
    !io::parse_command_record(command("create", R"({"title":"x"})"), cmd));
  CAF_CHECK_EQUAL(cmd.user_id, "alice");
  CAF_CHECK_EQUAL(cmd.request_id, "c-1");
  CAF_CHECK_EQUAL(cmd.idempotency_key, "kafka:c-1");
  CAF_CHECK(cmd.patch.title == std::optional<std::string>{"x"});
  actors::command done;
  CAF_CHECK(!io::parse_command_record(command("complete", "", "t1"), done));
  CAF_CHECK(done.op == actors::command_op::update);
  CAF_CHECK_EQUAL(done.canonical_body, R"({"completed":true})");
  CAF_CHECK(done.patch.completed == std::optional<bool>{true});
  CAF_CHECK(!done.patch.title);
  CAF_CHECK_EQUAL(done.todo_id, "t1");
}

CAF_TEST(structured command records decode) {
  io::kafka_record rec;
  rec.key = "bob";
  rec.headers = {{"content-type", "application/cloudevents+json"}};
  rec.value = R"({"specversion":"1.0","id":"s-1","type":"actodo.command.)"
              R"(delete","subject":"t9"})";
  actors::command cmd;
  CAF_CHECK(!io::parse_command_record(rec, cmd));
  CAF_CHECK(cmd.op == actors::command_op::remove);
  CAF_CHECK_EQUAL(cmd.todo_id, "t9");
}

CAF_TEST(bad records name the field) {
  actors::command cmd;
  auto err = io::parse_command_record(command("create", "{oops"), cmd);
  CAF_REQUIRE(err);
  CAF_CHECK_EQUAL(err->field, "value");
  err = io::parse_command_record(command("create", R"({"title":5})"), cmd);
  CAF_REQUIRE(err);
  CAF_CHECK_EQUAL(err->field, "data/title");
  err = io::parse_command_record(command("update", R"({"title":"x"})"), cmd);
  CAF_REQUIRE(err);
  CAF_CHECK_EQUAL(err->field, "ce_subject");
  err = io::parse_command_record(command("boom", "{}"), cmd);
  CAF_REQUIRE(err);
  CAF_CHECK_EQUAL(err->field, "ce_type");
}

CAF_TEST(events become binary or structured records) {
  persistence::outbox_record ev{1, "alice", 3, "todo.created",
                                R"({"specversion":"1.0","id":"alice-3",)"
                                R"("type":"todo.created","datacontenttype":)"
                                R"("application/json","data":{"a":1}})"};
  auto bin = io::event_message(ev, "binary");
  CAF_CHECK_EQUAL(bin.value, R"({"a":1})");
  auto has = [&](const char* k, const char* v) {
    for (auto& h : bin.headers)
      if (h.first == k && h.second == v)
        return true;
    return false;
  };
  CAF_CHECK(has("ce_id", "alice-3"));
  CAF_CHECK(has("content-type", "application/json"));
  auto structured = io::event_message(ev, "structured");
  CAF_CHECK_EQUAL(structured.value, ev.json);
}

CAF_TEST(librdkafka checks every passed property) {
  CAF_CHECK_EQUAL(io::check_properties({{"acks", "all"}, {"linger.ms", "5"}}),
                  caf::none);
  auto err = io::check_properties(
    {{"linger.ms", "5"}, {"no.such.thing", "1"}, {"acks", "x"}});
  CAF_REQUIRE(err);
  auto text = caf::to_string(err);
  CAF_CHECK_NOT_EQUAL(text.find("--kafka.property.no.such.thing"),
                      std::string::npos);
  err = io::check_properties({{"acks", "maybe"}});
  CAF_REQUIRE(err);
  CAF_CHECK_NOT_EQUAL(caf::to_string(err).find("--kafka.property.acks"),
                      std::string::npos);
}
