#define CAF_SUITE io.jobs

// The `jobs` actor and its `import_job`s on a real journal, directory and
// SQLite job store, under CAF's deterministic test coordinator.

#include <nlohmann/json.hpp>

#include "io/jobs/jobs.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_job_store.hpp"

#include "tests/actors/node_fixture.hpp"

using namespace actodo;
using nlohmann::json;

namespace {

struct fixture : test::node_fixture {
  fixture() {
    auto opened = persistence::sqlite_job_store::open(
      persistence::database_path(dir.path));
    if (!opened)
      CAF_FAIL("cannot open the job store: " << describe(opened.error()));
    jobs_store = std::move(*opened);
    session = test::recording_session(sys, frames);
    self->send(directory, atom::subscribe::value, std::string{"alice"},
               session);
    sched.run();
    self->receive([](int64_t) {});
  }

  ~fixture() override {
    if (jobs)
      caf::anon_send_exit(jobs, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(size_t batch = 2) {
    io::jobs::jobs_settings cfg;
    cfg.directory = directory;
    cfg.batch = batch;
    jobs = sys.spawn(io::jobs::jobs, jobs_store, cfg);
    sched.run();
  }

  caf::expected<persistence::job_record> import(const std::string& format,
                                                const std::string& payload,
                                                const std::string& key = {}) {
    self->send(jobs, atom::create::value, std::string{"alice"}, format, key,
               payload);
    sched.run();
    caf::expected<persistence::job_record> result{caf::error{}};
    self->receive(
      [&](persistence::job_record& job) { result = std::move(job); },
      [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  actors::job_view view(const std::string& id) {
    self->send(jobs, atom::get::value, std::string{"alice"}, id);
    sched.run();
    actors::job_view out;
    self->receive([&](actors::job_view& x) { out = std::move(x); },
                  [&](caf::error& err) {
                    CAF_FAIL("get " << id << ": " << describe(err));
                  });
    return out;
  }

  std::vector<actors::domain::todo> todos() {
    actors::domain::query q;
    q.limit = 500;
    self->send(directory, atom::list::value, std::string{"alice"}, q);
    sched.run();
    std::vector<actors::domain::todo> out;
    self->receive([&](actors::todo_page& page) { out = page.items; });
    return out;
  }

  /// The `job` frames the session got.
  std::vector<json> job_frames() {
    std::vector<json> out;
    for (auto& text : *frames) {
      auto frame = json::parse(text);
      if (frame.at("type") == "job")
        out.push_back(std::move(frame));
    }
    return out;
  }

  std::shared_ptr<persistence::job_store> jobs_store;
  std::shared_ptr<std::vector<std::string>>
    frames = std::make_shared<std::vector<std::string>>();
  actors::session_actor session;
  actors::jobs_actor jobs;
};

constexpr const char* csv_payload = "title,priority\r\n"
                                    "one,high\r\n"
                                    "two,extreme\r\n"
                                    ",low\r\n"
                                    "four,none\r\n"
                                    "five,low\r\n";

std::string ics_of(const std::string& summary) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
         "BEGIN:VTODO\r\nUID:uid-1@example.com\r\nSUMMARY:"
         + summary
         + "\r\nPRIORITY:1\r\nEND:VTODO\r\n"
           "BEGIN:VTODO\r\nUID:uid-1@example.com\r\nSUMMARY:again\r\n"
           "END:VTODO\r\nEND:VCALENDAR\r\n";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(jobs_tests, fixture)

CAF_TEST(an import applies the valid items and records the others) {
  start(2);
  auto job = import("csv", csv_payload);
  CAF_REQUIRE(job);
  CAF_CHECK_EQUAL(job->state, "queued");
  CAF_CHECK_EQUAL(job->total, 5);
  auto v = view(job->id);
  CAF_CHECK_EQUAL(v.job.state, "done");
  CAF_CHECK_EQUAL(v.job.done, 5);
  CAF_CHECK_EQUAL(v.job.failed, 2);
  CAF_REQUIRE_EQUAL(v.errors.size(), 2u);
  CAF_CHECK_EQUAL(v.errors[0].index, 1);
  CAF_CHECK_EQUAL(v.errors[0].field, "priority");
  CAF_CHECK_EQUAL(v.errors[1].index, 2);
  CAF_CHECK_EQUAL(v.errors[1].field, "title");
  std::vector<std::string> titles;
  for (auto& t : todos())
    titles.push_back(t.title.str());
  std::sort(titles.begin(), titles.end());
  CAF_CHECK_EQUAL(titles, (std::vector<std::string>{"five", "four", "one"}));
  // Queued, then one frame per batch of two: 2, 4, 5 done.
  auto fs = job_frames();
  CAF_REQUIRE_EQUAL(fs.size(), 4u);
  CAF_CHECK_EQUAL(fs[0].at("state"), "queued");
  CAF_CHECK_EQUAL(fs[1].at("done"), 2);
  CAF_CHECK_EQUAL(fs[1].at("state"), "running");
  CAF_CHECK_EQUAL(fs[3].at("done"), 5);
  CAF_CHECK_EQUAL(fs[3].at("failed"), 2);
  CAF_CHECK_EQUAL(fs[3].at("total"), 5);
  CAF_CHECK_EQUAL(fs[3].at("state"), "done");
}

CAF_TEST(a file that cannot be read or is too large is refused) {
  start();
  auto job = import("json", R"({"title":"not an array"})");
  CAF_REQUIRE(!job);
  CAF_CHECK_EQUAL(job.error(), ec::invalid_field);
  CAF_CHECK_EQUAL(error_field(job.error()), "body");
  caf::anon_send_exit(jobs, caf::exit_reason::user_shutdown);
  sched.run();
  io::jobs::jobs_settings cfg;
  cfg.directory = directory;
  cfg.options.max_items = 2;
  jobs = sys.spawn(io::jobs::jobs, jobs_store, cfg);
  sched.run();
  job = import("csv", csv_payload);
  CAF_REQUIRE(!job);
  CAF_CHECK_EQUAL(job.error(), ec::limit_exceeded);
  CAF_CHECK_EQUAL(error_field(job.error()), "items");
  CAF_CHECK(todos().empty());
}

CAF_TEST(a re - imported uid updates its todo and a repeated one fails) {
  start();
  auto first = import("ics", ics_of("draft"));
  CAF_REQUIRE(first);
  auto v = view(first->id);
  CAF_CHECK_EQUAL(v.job.failed, 1);
  CAF_REQUIRE_EQUAL(v.errors.size(), 1u);
  CAF_CHECK_EQUAL(v.errors[0].index, 1);
  auto before = todos();
  CAF_REQUIRE_EQUAL(before.size(), 1u);
  auto second = import("ics", ics_of("final"));
  CAF_REQUIRE(second);
  CAF_CHECK_EQUAL(view(second->id).job.state, "done");
  auto after = todos();
  CAF_REQUIRE_EQUAL(after.size(), 1u);
  CAF_CHECK_EQUAL(after[0].id, before[0].id);
  CAF_CHECK_EQUAL(after[0].title, "final");
  CAF_CHECK_EQUAL(after[0].version, 2);
}

CAF_TEST(an upload sent again with its key is the same job) {
  start(2);
  auto first = import("csv", csv_payload, "upload-1");
  CAF_REQUIRE(first);
  auto again = import("csv", csv_payload, "upload-1");
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->id, first->id);
  CAF_CHECK_EQUAL(again->state, "done");
  CAF_CHECK_EQUAL(todos().size(), 3u);
  auto other = import("csv", "title\r\nsomething else\r\n", "upload-1");
  CAF_REQUIRE(!other);
  CAF_CHECK_EQUAL(other.error(), ec::conflict);
  CAF_CHECK_EQUAL(error_field(other.error()), "Idempotency-Key");
  // Without a key the same file is another job.
  auto keyless = import("csv", csv_payload);
  CAF_REQUIRE(keyless);
  CAF_CHECK_NOT_EQUAL(keyless->id, first->id);
}

CAF_TEST(a cancelled job applies nothing more) {
  start(2);
  self->send(jobs, atom::create::value, std::string{"alice"},
             std::string{"csv"}, std::string{}, std::string{csv_payload});
  // Handled before the job's first batch runs.
  self->send(jobs, atom::cancel::value, std::string{"alice"},
             std::string{"unknown"});
  sched.run_once();
  persistence::job_record job;
  self->receive([&](persistence::job_record& x) { job = std::move(x); });
  self->send(jobs, atom::cancel::value, std::string{"alice"}, job.id);
  sched.run();
  self->receive([](caf::error& err) { CAF_CHECK_EQUAL(err, ec::not_found); });
  self->receive(
    [](persistence::job_record& x) { CAF_CHECK_EQUAL(x.state, "cancelled"); });
  auto v = view(job.id);
  CAF_CHECK_EQUAL(v.job.state, "cancelled");
  CAF_CHECK(v.job.done <= 2);
  CAF_CHECK(todos().size() <= 2u);
  self->send(jobs, atom::cancel::value, std::string{"alice"}, job.id);
  sched.run();
  self->receive([](caf::error& err) {
    CAF_CHECK_EQUAL(err, ec::conflict);
    CAF_CHECK_EQUAL(error_field(err), "state");
  });
}

CAF_TEST(an unfinished job resumes when the actor starts) {
  persistence::job_record job;
  job.id = "job_resumed";
  job.user_id = "alice";
  job.format = "json";
  job.total = 3;
  CAF_REQUIRE(!jobs_store->create_job(
    job, R"([{"title":"a"},{"title":"b"},{"title":"c"}])", 2));
  start(2);
  auto v = view(job.id);
  CAF_CHECK_EQUAL(v.job.state, "done");
  CAF_CHECK_EQUAL(v.job.done, 3);
  CAF_CHECK_EQUAL(todos().size(), 3u);
  // The payload is gone once the job is final.
  auto payload = jobs_store->job_payload(job.id);
  CAF_REQUIRE(payload);
  CAF_CHECK(payload->empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
