#define CAF_SUITE store.copy

#include "caf/test/unit_test.hpp"

#include "persistence/store_copy.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;
using actodo::test::batch;

namespace {

/// The store under test as the target of a copy from a seeded SQLite file.
struct fixture : test::backend {
  fixture() : source_uri("sqlite:" + source_dir.path + "/source.db") {
    auto uri = parse_store_uri(source_uri, "");
    CAF_REQUIRE(uri);
    store_options opts;
    opts.data_dir = source_dir.path + "/node";
    auto opened = open_stores(*uri, opts);
    if (!opened)
      CAF_FAIL("cannot open the source: " << describe(opened.error()));
    // Users whose keys sort across page boundaries: "u1" < "u10" < "u2".
    std::vector<user_batch> xs;
    for (auto user : {"u1", "u10", "u2"})
      for (int64_t seq = 1; seq <= 5; ++seq) {
        auto b = batch(user, seq, "t" + std::to_string(seq),
                       std::string{user} + "-r" + std::to_string(seq));
        b.todos[0].wake_at = seq % 2 ? 1000 * seq : -1;
        b.request.idempotency_key = seq == 2 ? "key" : "";
        xs.push_back(std::move(b));
      }
    CAF_REQUIRE(!opened->events->commit(xs));
    CAF_REQUIRE(!opened->accounts->create_user({"u1", "ann", "h1", 1}));
    CAF_REQUIRE(!opened->accounts->create_user({"u2", "ben", "h2", 2}));
    CAF_REQUIRE(!opened->accounts->save_refresh("rt", "u1", "f", 99));
    CAF_REQUIRE(!opened->events->publish_position(7));
    webhook_record hook;
    hook.id = "wh_1";
    hook.user_id = "u1";
    hook.url = "https://a.example/";
    hook.events = {"todo.*"};
    hook.secret = "whsec_1";
    CAF_REQUIRE_EQUAL(opened->webhooks->create_webhook(hook, 10), 5);
    hook.id = "wh_2";
    hook.user_id = "u2";
    hook.events = {"todo.created", "*"};
    hook.created_ms = 20;
    CAF_REQUIRE(opened->webhooks->create_webhook(hook, 10));
    hook.enabled = false;
    hook.disabled_reason = "gone";
    hook.cursor = 3;
    CAF_REQUIRE(!opened->webhooks->update_webhook(hook));
    // Five deliveries: more than one page, ids in insertion order.
    for (int64_t seq = 1; seq <= 3; ++seq)
      CAF_REQUIRE(!opened->webhooks->add_delivery(
        {"wh_1", seq, 1, 200, seq, "", "ok", 100 + seq}, 10));
    for (int64_t seq = 1; seq <= 2; ++seq)
      CAF_REQUIRE(!opened->webhooks->add_delivery(
        {"wh_2", seq, 2, 500, seq, "HTTP 500", "no", 200 + seq}, 10));
    // Import jobs: a running one with a binary payload, a done one (its
    // payload NULL), their errors and the imported UIDs.
    job_record job;
    job.id = "job_1";
    job.user_id = "u1";
    job.node = "n";
    job.format = "ics";
    job.total = 3;
    job.created_ms = 30;
    job.updated_ms = 30;
    job.lease_until_ms = 60030;
    job.idempotency_key = "key-1";
    job.fingerprint = "fp-1";
    CAF_REQUIRE(!opened->jobs->create_job(job, job_payload(), 10));
    job.id = "job_2";
    job.user_id = "u2";
    job.created_ms = 31;
    job.idempotency_key = "";
    job.fingerprint = "";
    CAF_REQUIRE(!opened->jobs->create_job(job, "gone", 10));
    job_progress p;
    p.id = "job_1";
    p.node = "n";
    p.state = "running";
    p.done = 2;
    p.failed = 1;
    p.updated_ms = 40;
    p.errors = {{1, "due", "bad"}};
    p.uids = {{"uid-a", "t1"}, {"uid-b", "t2"}};
    auto written = opened->jobs->record_progress(p);
    CAF_REQUIRE(written && *written);
    p.id = "job_2";
    p.state = "done";
    p.detail = "";
    p.done = 3;
    p.failed = 2;
    p.errors = {{0, "", "x"}, {2, "title", "y"}};
    p.uids = {{"uid-a", "t9"}};
    written = opened->jobs->record_progress(p);
    CAF_REQUIRE(written && *written);
    CAF_REQUIRE(
      !opened->feeds->create_feed({"feed_1", "u1", "hash-1", "mine", 50}, 10));
  }

  /// Bytes that are not text: a NUL, invalid UTF-8.
  static std::string job_payload() {
    return std::string{"BEGIN\0\xff\xfe\xc3(end", 13};
  }

  /// Copies the source into the store under test (closed meanwhile).
  caf::expected<copy_report> copy(int64_t page) {
    return copy(source_uri, uri, page);
  }

  /// Copies `from_text` into `to_text` (the store under test closed
  /// meanwhile).
  caf::expected<copy_report> copy(const std::string& from_text,
                                  const std::string& to_text, int64_t page) {
    stores = opened_stores{};
    auto from_uri = parse_store_uri(from_text, "");
    auto to_uri = parse_store_uri(to_text, "");
    CAF_REQUIRE(from_uri && to_uri);
    auto from = open_table_rows(*from_uri);
    auto to = open_table_rows(*to_uri);
    CAF_REQUIRE(from && to);
    auto result = copy_store(**from, **to, page);
    from->reset();
    to->reset();
    reopen();
    return result;
  }

  test::temp_dir source_dir;
  std::string source_uri;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(copy_tests, fixture)

CAF_TEST(a copy in small pages carries every table) {
  auto report = copy(2);
  CAF_REQUIRE(report);
  CAF_CHECK_EQUAL(report->users, 3u);
  for (auto user : {"u1", "u10", "u2"}) {
    auto snap = store->load_user(user);
    CAF_REQUIRE(snap);
    CAF_CHECK_EQUAL(snap->last_seq, 5);
    CAF_CHECK_EQUAL(snap->todos.size(), 5u);
    auto events = store->read_events(user, 0, 100);
    CAF_REQUIRE(events);
    CAF_CHECK_EQUAL(events->size(), 5u);
    auto keyed = store->find_idempotent(user, "key");
    CAF_REQUIRE(keyed);
    CAF_REQUIRE(keyed->has_value());
    CAF_CHECK_EQUAL((*keyed)->request_id, std::string{user} + "-r2");
  }
  CAF_CHECK_EQUAL(store->count_wakes(), int64_t{9});
  CAF_CHECK_EQUAL(store->published_position(), int64_t{7});
  auto ann = accounts->find_by_name("ann");
  CAF_REQUIRE(ann);
  CAF_REQUIRE(ann->has_value());
  CAF_CHECK_EQUAL((*ann)->password_hash, "h1");
  CAF_CHECK_EQUAL(accounts->count_refresh(), int64_t{1});
  auto rows = [&report](const std::string& table) {
    for (auto& [name, n] : report->rows)
      if (name == table)
        return n;
    return int64_t{-1};
  };
  CAF_CHECK_EQUAL(rows("webhooks"), 2);
  CAF_CHECK_EQUAL(rows("webhook_deliveries"), 5);
  auto hooks = webhooks->enabled_webhooks();
  CAF_REQUIRE(hooks);
  CAF_REQUIRE_EQUAL(hooks->size(), 1u);
  CAF_CHECK_EQUAL(hooks->at(0).id, "wh_1");
  CAF_CHECK_EQUAL(hooks->at(0).cursor, 5);
  CAF_CHECK_EQUAL(hooks->at(0).secret, "whsec_1");
  auto off = webhooks->find_webhook("u2", "wh_2");
  CAF_REQUIRE(off);
  CAF_REQUIRE(off->has_value());
  CAF_CHECK_EQUAL((*off)->enabled, false);
  CAF_CHECK_EQUAL((*off)->disabled_reason, "gone");
  CAF_CHECK_EQUAL((*off)->cursor, 3);
  CAF_CHECK_EQUAL((*off)->events,
                  (std::vector<std::string>{"todo.created", "*"}));
  auto failed = webhooks->deliveries("wh_2", 10);
  CAF_REQUIRE(failed);
  CAF_REQUIRE_EQUAL(failed->size(), 2u);
  CAF_CHECK_EQUAL(failed->at(0).sequence, 2);
  CAF_CHECK_EQUAL(failed->at(0).error, "HTTP 500");
  CAF_CHECK_EQUAL(failed->at(0).at_ms, 202);
  // New deliveries number after the copied ones (PostgreSQL: the
  // sequence continues after the largest copied id).
  CAF_REQUIRE(
    !webhooks->add_delivery({"wh_1", 4, 1, 200, 1, "", "ok", 104}, 3));
  auto latest = webhooks->deliveries("wh_1", 10);
  CAF_REQUIRE(latest);
  std::vector<int64_t> seqs;
  for (auto& x : *latest)
    seqs.push_back(x.sequence);
  CAF_CHECK_EQUAL(seqs, (std::vector<int64_t>{4, 3, 2}));
  CAF_CHECK_EQUAL(rows("jobs"), 2);
  CAF_CHECK_EQUAL(rows("job_errors"), 3);
  CAF_CHECK_EQUAL(rows("import_uids"), 3);
  auto& jobs = *stores.jobs;
  auto running = jobs.find_job("u1", "job_1");
  CAF_REQUIRE(running && running->has_value());
  CAF_CHECK_EQUAL((*running)->state, "running");
  CAF_CHECK_EQUAL((*running)->node, "n");
  CAF_CHECK_EQUAL((*running)->done, 2);
  CAF_CHECK_EQUAL((*running)->failed, 1);
  CAF_CHECK_EQUAL((*running)->created_ms, 30);
  CAF_CHECK_EQUAL((*running)->updated_ms, 40);
  CAF_CHECK_EQUAL((*running)->lease_until_ms, 60030);
  CAF_CHECK_EQUAL((*running)->idempotency_key, "key-1");
  CAF_CHECK_EQUAL((*running)->fingerprint, "fp-1");
  auto keyed = jobs.find_keyed_job("u1", "key-1");
  CAF_REQUIRE(keyed && keyed->has_value());
  CAF_CHECK_EQUAL((*keyed)->id, "job_1");
  auto payload = jobs.job_payload("job_1");
  CAF_REQUIRE(payload);
  CAF_CHECK(*payload == job_payload());
  auto dropped = jobs.job_payload("job_2");
  CAF_REQUIRE(dropped);
  CAF_CHECK_EQUAL(*dropped, "");
  auto unfinished = jobs.unfinished_jobs("n");
  CAF_REQUIRE(unfinished);
  CAF_REQUIRE_EQUAL(unfinished->size(), 1u);
  CAF_CHECK_EQUAL(unfinished->at(0).id, "job_1");
  auto done = jobs.find_job("u2", "job_2");
  CAF_REQUIRE(done && done->has_value());
  CAF_CHECK_EQUAL((*done)->state, "done");
  CAF_CHECK_EQUAL((*done)->idempotency_key, "");
  CAF_CHECK_EQUAL((*done)->fingerprint, "");
  auto errors = jobs.job_errors("job_2", 10);
  CAF_REQUIRE(errors);
  CAF_REQUIRE_EQUAL(errors->size(), 2u);
  CAF_CHECK_EQUAL(errors->at(1).index, 2);
  CAF_CHECK_EQUAL(errors->at(1).field, "title");
  CAF_CHECK_EQUAL(errors->at(1).detail, "y");
  auto uids = jobs.imported_uids("u1", {"uid-a", "uid-b"});
  CAF_REQUIRE(uids);
  CAF_CHECK_EQUAL(uids->size(), 2u);
  CAF_CHECK_EQUAL(uids->at("uid-a"), "t1");
  auto other = jobs.imported_uids("u2", {"uid-a", "uid-b"});
  CAF_REQUIRE(other);
  CAF_CHECK_EQUAL(other->size(), 1u);
  CAF_CHECK_EQUAL(other->at("uid-a"), "t9");
  CAF_CHECK_EQUAL(rows("feeds"), 1);
  auto feed = stores.feeds->find_feed("hash-1");
  CAF_REQUIRE(feed && feed->has_value());
  CAF_CHECK_EQUAL((*feed)->id, "feed_1");
  CAF_CHECK_EQUAL((*feed)->user_id, "u1");
  CAF_CHECK_EQUAL((*feed)->description, "mine");
  CAF_CHECK_EQUAL((*feed)->created_ms, 50);
}

CAF_TEST(a copy back keeps job payloads byte for byte) {
  CAF_REQUIRE(copy(2));
  // The store under test (PostgreSQL in its run) into a new SQLite file.
  test::temp_dir back_dir;
  auto back_uri = "sqlite:" + back_dir.path + "/back.db";
  auto report = copy(uri, back_uri, 2);
  CAF_REQUIRE(report);
  auto parsed = parse_store_uri(back_uri, "");
  CAF_REQUIRE(parsed);
  store_options opts;
  opts.data_dir = back_dir.path + "/node";
  auto back = open_stores(*parsed, opts);
  CAF_REQUIRE(back);
  auto payload = back->jobs->job_payload("job_1");
  CAF_REQUIRE(payload);
  CAF_CHECK(*payload == job_payload());
  auto keyed = back->jobs->find_keyed_job("u1", "key-1");
  CAF_REQUIRE(keyed && keyed->has_value());
  CAF_CHECK_EQUAL((*keyed)->id, "job_1");
  CAF_CHECK_EQUAL((*keyed)->fingerprint, "fp-1");
  auto dropped = back->jobs->job_payload("job_2");
  CAF_REQUIRE(dropped);
  CAF_CHECK_EQUAL(*dropped, "");
  auto errors = back->jobs->job_errors("job_2", 10);
  CAF_REQUIRE(errors);
  CAF_CHECK_EQUAL(errors->size(), 2u);
  auto uids = back->jobs->imported_uids("u2", {"uid-a"});
  CAF_REQUIRE(uids);
  CAF_CHECK_EQUAL(uids->size(), 1u);
}

CAF_TEST(a target that holds anything is refused untouched) {
  CAF_REQUIRE(!store->commit({batch("zed", 1, "t", "r")}));
  auto report = copy(1000);
  CAF_REQUIRE(!report);
  CAF_CHECK_EQUAL(report.error(), ec::conflict);
  CAF_CHECK_EQUAL(store->last_seq("u1"), int64_t{0});
  CAF_CHECK_EQUAL(store->last_seq("zed"), int64_t{1});
}

CAF_TEST_FIXTURE_SCOPE_END()
