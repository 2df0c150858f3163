#define CAF_SUITE store.jobs

#include <map>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "tests/store/backend.hpp"

using namespace actodo;
using namespace actodo::persistence;

namespace {

using strings = std::vector<std::string>;
using indexes = std::vector<int64_t>;
using uid_map = std::map<std::string, std::string>;

/// Every byte value, a NUL among text, and UTF-8 cut short or invalid.
std::string binary_payload() {
  std::string result = "BEGIN:VCALENDAR\r\n";
  result += std::string{"a\0b", 3};
  result += "\xff\xfe\xc3(\xe2\x82";
  for (int i = 0; i < 256 * 64; ++i)
    result += static_cast<char>(i % 256);
  return result;
}

struct fixture : test::backend {
  /// The store under test (reopened stores replace it).
  job_store& jobs() {
    return *stores.jobs;
  }

  static job_record job(const std::string& id, const std::string& user,
                        int64_t created_ms = 1000,
                        const std::string& node = "n1") {
    job_record x;
    x.id = id;
    x.user_id = user;
    x.node = node;
    x.format = "ics";
    x.total = 10;
    x.created_ms = created_ms;
    x.updated_ms = created_ms;
    return x;
  }

  static job_progress progress(const std::string& id, const std::string& state,
                               int64_t done, int64_t failed, int64_t updated_ms,
                               const std::string& node = "n1") {
    job_progress x;
    x.id = id;
    x.node = node;
    x.state = state;
    x.done = done;
    x.failed = failed;
    x.updated_ms = updated_ms;
    return x;
  }

  /// Creates `x` (at most 10 unfinished per user).
  void create(const job_record& x, const std::string& payload = "payload") {
    if (auto err = jobs().create_job(x, payload, 10))
      CAF_FAIL("create_job " << x.id << ": " << describe(err));
  }

  job_record find(const std::string& user, const std::string& id) {
    auto found = jobs().find_job(user, id);
    if (!found)
      CAF_FAIL("find_job " << id << ": " << describe(found.error()));
    if (!*found)
      CAF_FAIL("no job " << id << " of " << user);
    return std::move(**found);
  }

  bool missing(const std::string& user, const std::string& id) {
    auto found = jobs().find_job(user, id);
    if (!found)
      CAF_FAIL("find_job " << id << ": " << describe(found.error()));
    return !found->has_value();
  }

  bool record(const job_progress& x) {
    auto written = jobs().record_progress(x);
    if (!written)
      CAF_FAIL("record_progress " << x.id << ": " << describe(written.error()));
    return *written;
  }

  std::string payload(const std::string& id) {
    auto x = jobs().job_payload(id);
    if (!x)
      CAF_FAIL("job_payload " << id << ": " << describe(x.error()));
    return std::move(*x);
  }

  std::vector<job_error> errors(const std::string& id, int64_t limit = 100) {
    auto xs = jobs().job_errors(id, limit);
    if (!xs)
      CAF_FAIL("job_errors " << id << ": " << describe(xs.error()));
    return std::move(*xs);
  }

  indexes error_indexes(const std::string& id, int64_t limit = 100) {
    indexes result;
    for (auto& e : errors(id, limit))
      result.push_back(e.index);
    return result;
  }

  uid_map uids(const std::string& user, const strings& xs) {
    auto found = jobs().imported_uids(user, xs);
    if (!found)
      CAF_FAIL("imported_uids: " << describe(found.error()));
    return std::move(*found);
  }

  /// The jobs `node` claims, as returned.
  std::vector<job_record> claim(const std::string& node, const strings& running,
                                int64_t now_ms, int64_t lease_until_ms,
                                int64_t limit = 100) {
    auto xs = jobs().claim_jobs(node, running, now_ms, lease_until_ms, limit);
    if (!xs)
      CAF_FAIL("claim_jobs " << node << ": " << describe(xs.error()));
    return std::move(*xs);
  }

  /// The ids of the jobs `node` claims.
  strings claim_ids(const std::string& node, const strings& running,
                    int64_t now_ms, int64_t lease_until_ms,
                    int64_t limit = 100) {
    strings result;
    for (auto& x : claim(node, running, now_ms, lease_until_ms, limit))
      result.push_back(x.id);
    return result;
  }

  void renew(const std::string& node, const strings& ids,
             int64_t lease_until_ms) {
    if (auto err = jobs().renew_jobs(node, ids, lease_until_ms))
      CAF_FAIL("renew_jobs " << node << ": " << describe(err));
  }

  strings unfinished(const std::string& node) {
    auto xs = jobs().unfinished_jobs(node);
    if (!xs)
      CAF_FAIL("unfinished_jobs: " << describe(xs.error()));
    strings result;
    for (auto& x : *xs)
      result.push_back(x.id);
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(job_tests, fixture)

CAF_TEST(a new job is queued and found by its user only) {
  auto x = job("job_1", "alice", 1500, "node-a");
  x.lease_until_ms = 61500;
  x.format = "csv";
  x.total = 42;
  x.state = "running"; // Ignored: a new job is queued.
  create(x);
  reopen();
  auto y = find("alice", "job_1");
  CAF_CHECK_EQUAL(y.id, "job_1");
  CAF_CHECK_EQUAL(y.user_id, "alice");
  CAF_CHECK_EQUAL(y.node, "node-a");
  CAF_CHECK_EQUAL(y.format, "csv");
  CAF_CHECK_EQUAL(y.state, "queued");
  CAF_CHECK_EQUAL(y.total, 42);
  CAF_CHECK_EQUAL(y.done, 0);
  CAF_CHECK_EQUAL(y.failed, 0);
  CAF_CHECK_EQUAL(y.detail, "");
  CAF_CHECK_EQUAL(y.created_ms, 1500);
  CAF_CHECK_EQUAL(y.updated_ms, 1500);
  CAF_CHECK_EQUAL(y.lease_until_ms, 61500);
  auto mine = jobs().unfinished_jobs("node-a");
  CAF_REQUIRE(mine);
  CAF_REQUIRE_EQUAL(mine->size(), 1u);
  CAF_CHECK_EQUAL(mine->front().node, "node-a");
  CAF_CHECK_EQUAL(mine->front().lease_until_ms, 61500);
  // Another user's job, or none, is not there.
  CAF_CHECK(missing("bob", "job_1"));
  CAF_CHECK(missing("alice", "job_2"));
  // A taken id is a conflict and changes nothing.
  auto again = jobs().create_job(job("job_1", "bob"), "other", 10);
  CAF_CHECK_EQUAL(again, ec::conflict);
  CAF_CHECK(missing("bob", "job_1"));
  CAF_CHECK_EQUAL(payload("job_1"), "payload");
}

CAF_TEST(a user has at most max_active unfinished jobs) {
  CAF_REQUIRE(!jobs().create_job(job("job_1", "alice"), "a", 2));
  CAF_REQUIRE(!jobs().create_job(job("job_2", "alice"), "b", 2));
  auto third = jobs().create_job(job("job_3", "alice"), "c", 2);
  CAF_CHECK_EQUAL(third, ec::limit_exceeded);
  CAF_CHECK_EQUAL(error_field(third), "jobs");
  CAF_CHECK(describe(third).find("at most 2") != std::string::npos);
  CAF_CHECK(missing("alice", "job_3"));
  // The limit is per user.
  CAF_CHECK(!jobs().create_job(job("job_4", "bob"), "d", 2));
  // A running job still counts; a final one no longer does.
  CAF_REQUIRE(record(progress("job_1", "running", 1, 0, 2000)));
  CAF_CHECK_EQUAL(jobs().create_job(job("job_3", "alice"), "c", 2),
                  ec::limit_exceeded);
  CAF_REQUIRE(record(progress("job_1", "done", 10, 0, 3000)));
  CAF_CHECK(!jobs().create_job(job("job_3", "alice"), "c", 2));
  CAF_CHECK_EQUAL(jobs().create_job(job("job_5", "alice"), "e", 2),
                  ec::limit_exceeded);
  // So does a cancelled one.
  CAF_REQUIRE(jobs().cancel_job("alice", "job_2", 4000));
  CAF_CHECK(!jobs().create_job(job("job_5", "alice"), "e", 2));
}

CAF_TEST(an idempotency key names one job of its user) {
  auto keyed = [](const std::string& id, const std::string& user,
                  const std::string& key, const std::string& fingerprint) {
    auto x = job(id, user);
    x.idempotency_key = key;
    x.fingerprint = fingerprint;
    return x;
  };
  auto keyed_job = [this](const std::string& user, const std::string& key) {
    auto found = jobs().find_keyed_job(user, key);
    if (!found)
      CAF_FAIL("find_keyed_job " << key << ": " << describe(found.error()));
    return std::move(*found);
  };
  create(keyed("job_1", "alice", "key-1", "fp-1"));
  reopen();
  auto x = keyed_job("alice", "key-1");
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(x->id, "job_1");
  CAF_CHECK_EQUAL(x->user_id, "alice");
  CAF_CHECK_EQUAL(x->state, "queued");
  CAF_CHECK_EQUAL(x->idempotency_key, "key-1");
  CAF_CHECK_EQUAL(x->fingerprint, "fp-1");
  CAF_CHECK_EQUAL(find("alice", "job_1").idempotency_key, "key-1");
  CAF_CHECK_EQUAL(find("alice", "job_1").fingerprint, "fp-1");
  // Another user's key, an unknown one, or none, finds nothing.
  CAF_CHECK(!keyed_job("bob", "key-1"));
  CAF_CHECK(!keyed_job("alice", "key-2"));
  CAF_CHECK(!keyed_job("alice", "KEY-1"));
  // The same key again is a conflict, even when the user is at the limit
  // (a retried upload learns of its job), and changes nothing.
  for (int64_t max_active : {int64_t{1}, int64_t{10}}) {
    auto again = jobs().create_job(keyed("job_2", "alice", "key-1", "fp-2"),
                                   "other", max_active);
    CAF_CHECK_EQUAL(again, ec::conflict);
    CAF_CHECK_EQUAL(error_field(again), "Idempotency-Key");
  }
  CAF_CHECK(missing("alice", "job_2"));
  CAF_CHECK_EQUAL(std::string{keyed_job("alice", "key-1")->fingerprint},
                  "fp-1");
  CAF_CHECK_EQUAL(payload("job_1"), "payload");
  // A new key still counts against the limit.
  CAF_CHECK_EQUAL(jobs().create_job(keyed("job_2", "alice", "key-2", "fp-2"),
                                    "other", 1),
                  ec::limit_exceeded);
  CAF_CHECK(!keyed_job("alice", "key-2"));
  // Another user may use the same key.
  create(keyed("job_3", "bob", "key-1", "fp-3"));
  CAF_CHECK_EQUAL(std::string{keyed_job("bob", "key-1")->id}, "job_3");
  CAF_CHECK_EQUAL(std::string{keyed_job("bob", "key-1")->fingerprint}, "fp-3");
  CAF_CHECK_EQUAL(std::string{keyed_job("alice", "key-1")->id}, "job_1");
  // Jobs without a key never conflict, and none is found by the empty key.
  create(job("job_4", "alice"));
  create(keyed("job_5", "alice", "", "fp-5"));
  create(job("job_6", "alice"));
  CAF_CHECK_EQUAL(find("alice", "job_4").idempotency_key, "");
  CAF_CHECK_EQUAL(find("alice", "job_4").fingerprint, "");
  CAF_CHECK_EQUAL(find("alice", "job_5").fingerprint, "fp-5");
  CAF_CHECK(!keyed_job("alice", ""));
  // Every read returns the key: claims, unfinished jobs, cancellations.
  auto taken = claim("n2", {}, 5000, 9000);
  CAF_REQUIRE_EQUAL(taken.size(), 5u);
  CAF_CHECK_EQUAL(taken[0].id, "job_1");
  CAF_CHECK_EQUAL(taken[0].idempotency_key, "key-1");
  CAF_CHECK_EQUAL(taken[0].fingerprint, "fp-1");
  auto mine = jobs().unfinished_jobs("n2");
  CAF_REQUIRE(mine);
  CAF_REQUIRE(!mine->empty());
  CAF_CHECK_EQUAL(mine->front().idempotency_key, "key-1");
  auto cancelled = jobs().cancel_job("bob", "job_3", 6000);
  CAF_REQUIRE(cancelled);
  CAF_CHECK_EQUAL(cancelled->idempotency_key, "key-1");
  CAF_CHECK_EQUAL(cancelled->fingerprint, "fp-3");
  // The key outlives the job: a final job is still found, and its key
  // still taken (below the limit now).
  CAF_REQUIRE(record(progress("job_1", "done", 10, 0, 7000, "n2")));
  reopen();
  auto done = keyed_job("alice", "key-1");
  CAF_REQUIRE(done);
  CAF_CHECK_EQUAL(done->id, "job_1");
  CAF_CHECK_EQUAL(done->state, "done");
  CAF_CHECK_EQUAL(done->fingerprint, "fp-1");
  CAF_CHECK_EQUAL(payload("job_1"), "");
  auto late = jobs().create_job(keyed("job_7", "alice", "key-1", "fp-1"),
                                "payload", 10);
  CAF_CHECK_EQUAL(late, ec::conflict);
  CAF_CHECK_EQUAL(error_field(late), "Idempotency-Key");
  CAF_CHECK_EQUAL(std::string{keyed_job("bob", "key-1")->state}, "cancelled");
  CAF_CHECK_EQUAL(jobs().create_job(keyed("job_8", "bob", "key-1", "fp"),
                                    "payload", 10),
                  ec::conflict);
  CAF_CHECK(missing("alice", "job_7"));
  CAF_CHECK(missing("bob", "job_8"));
}

CAF_TEST(start up finds the unfinished jobs of its node oldest first) {
  create(job("job_c", "alice", 3000));
  create(job("job_a", "bob", 1000));
  create(job("job_x", "alice", 500, "n2"));
  create(job("job_b", "carol", 2000));
  create(job("job_0", "alice", 2000));
  create(job("job_d", "alice", 100));
  create(job("job_e", "bob", 200));
  create(job("job_r", "carol", 4000));
  CAF_REQUIRE(record(progress("job_d", "done", 10, 0, 5000)));
  CAF_REQUIRE(record(progress("job_r", "running", 3, 1, 5000)));
  CAF_REQUIRE(jobs().cancel_job("bob", "job_e", 5000));
  reopen();
  CAF_CHECK_EQUAL(unfinished("n1"),
                  (strings{"job_a", "job_0", "job_b", "job_c", "job_r"}));
  CAF_CHECK_EQUAL(unfinished("n2"), (strings{"job_x"}));
  CAF_CHECK(unfinished("").empty());
  auto xs = jobs().unfinished_jobs("n1");
  CAF_REQUIRE(xs);
  CAF_REQUIRE_EQUAL(xs->size(), 5u);
  CAF_CHECK_EQUAL(xs->back().state, "running");
  CAF_CHECK_EQUAL(xs->back().done, 3);
  CAF_CHECK_EQUAL(xs->back().failed, 1);
  CAF_CHECK_EQUAL(xs->back().user_id, "carol");
}

CAF_TEST(a payload is kept byte for byte until the job ends) {
  auto bytes = binary_payload();
  CAF_REQUIRE_EQUAL(bytes[18], '\0');
  create(job("job_1", "alice"), bytes);
  create(job("job_2", "alice"), "");
  create(job("job_3", "alice"), std::string(1, '\0'));
  reopen();
  auto stored = payload("job_1");
  CAF_CHECK_EQUAL(stored.size(), bytes.size());
  CAF_CHECK(stored == bytes);
  CAF_CHECK_EQUAL(payload("job_2"), "");
  CAF_CHECK(payload("job_3") == std::string(1, '\0'));
  CAF_CHECK_EQUAL(payload("job_none"), "");
  // Kept while running, dropped when the job fails as a whole.
  CAF_REQUIRE(record(progress("job_1", "running", 5, 0, 2000)));
  CAF_CHECK(payload("job_1") == bytes);
  auto failed = progress("job_1", "failed", 5, 0, 3000);
  failed.detail = "the file ends inside a VTODO";
  CAF_REQUIRE(record(failed));
  CAF_CHECK_EQUAL(payload("job_1"), "");
  auto x = find("alice", "job_1");
  CAF_CHECK_EQUAL(x.state, "failed");
  CAF_CHECK_EQUAL(x.detail, "the file ends inside a VTODO");
  CAF_CHECK_EQUAL(x.updated_ms, 3000);
  CAF_CHECK(payload("job_3") == std::string(1, '\0'));
}

CAF_TEST(progress is recorded while the job is unfinished) {
  create(job("job_1", "alice"));
  auto first = progress("job_1", "running", 4, 2, 2000);
  first.errors = {{3, "due", "not a date"}, {0, "", "not a VTODO"}};
  first.uids = {{"uid-1@x", "t1"}, {"uid-2@x", "t2"}};
  CAF_REQUIRE(record(first));
  reopen();
  auto x = find("alice", "job_1");
  CAF_CHECK_EQUAL(x.state, "running");
  CAF_CHECK_EQUAL(x.done, 4);
  CAF_CHECK_EQUAL(x.failed, 2);
  CAF_CHECK_EQUAL(x.updated_ms, 2000);
  CAF_CHECK_EQUAL(x.created_ms, 1000);
  CAF_CHECK_EQUAL(payload("job_1"), "payload");
  CAF_CHECK_EQUAL(error_indexes("job_1"), (indexes{0, 3}));
  auto es = errors("job_1", 1);
  CAF_REQUIRE_EQUAL(es.size(), 1u);
  CAF_CHECK_EQUAL(es[0].index, 0);
  CAF_CHECK_EQUAL(es[0].field, "");
  CAF_CHECK_EQUAL(es[0].detail, "not a VTODO");
  CAF_CHECK(errors("job_1", 0).empty());
  // The next batch appends; an error at a known index replaces it.
  auto second = progress("job_1", "running", 8, 4, 3000);
  second.errors = {{10, "tags/2", "too long"},
                   {3, "due", "still not a date"},
                   {5, "title", "empty"}};
  second.uids = {{"uid-1@x", "t9"}, {"uid-3@x", "t3"}};
  CAF_REQUIRE(record(second));
  CAF_CHECK_EQUAL(error_indexes("job_1"), (indexes{0, 3, 5, 10}));
  CAF_CHECK_EQUAL(error_indexes("job_1", 3), (indexes{0, 3, 5}));
  auto all = errors("job_1");
  CAF_REQUIRE_EQUAL(all.size(), 4u);
  CAF_CHECK_EQUAL(all[1].detail, "still not a date");
  CAF_CHECK_EQUAL(all[3].field, "tags/2");
  // The UIDs of the job's user; a later import replaces the todo id.
  CAF_CHECK_EQUAL(
    uids("alice", {"uid-1@x", "uid-2@x", "uid-3@x", "none"}),
    (uid_map{{"uid-1@x", "t9"}, {"uid-2@x", "t2"}, {"uid-3@x", "t3"}}));
  CAF_CHECK(uids("bob", {"uid-1@x", "uid-2@x"}).empty());
  CAF_CHECK(uids("alice", {}).empty());
  // The last batch ends the job and drops its payload.
  auto last = progress("job_1", "done", 10, 4, 4000);
  last.errors = {{9, "", "duplicate"}};
  CAF_REQUIRE(record(last));
  auto y = find("alice", "job_1");
  CAF_CHECK_EQUAL(y.state, "done");
  CAF_CHECK_EQUAL(y.done, 10);
  CAF_CHECK_EQUAL(payload("job_1"), "");
  CAF_CHECK_EQUAL(error_indexes("job_1"), (indexes{0, 3, 5, 9, 10}));
  // A final job takes no more progress: nothing is written.
  auto late = progress("job_1", "running", 11, 7, 5000);
  late.errors = {{1, "", "late"}};
  late.uids = {{"uid-1@x", "late"}, {"uid-4@x", "late"}};
  CAF_CHECK(!record(late));
  auto z = find("alice", "job_1");
  CAF_CHECK_EQUAL(z.state, "done");
  CAF_CHECK_EQUAL(z.done, 10);
  CAF_CHECK_EQUAL(z.failed, 4);
  CAF_CHECK_EQUAL(z.updated_ms, 4000);
  CAF_CHECK_EQUAL(error_indexes("job_1"), (indexes{0, 3, 5, 9, 10}));
  CAF_CHECK_EQUAL(uids("alice", {"uid-1@x", "uid-4@x"}),
                  (uid_map{{"uid-1@x", "t9"}}));
  // Nor does a job that is not there.
  CAF_CHECK(!record(progress("job_none", "running", 1, 0, 5000)));
  CAF_CHECK(errors("job_none").empty());
}

CAF_TEST(imported uids are per user) {
  create(job("job_a", "alice"));
  create(job("job_b", "bob"));
  auto a = progress("job_a", "running", 1, 0, 2000);
  a.uids = {{"same@x", "ta"}, {"quote\"back\\slash,{}@x", "tq"}, {"", "te"}};
  CAF_REQUIRE(record(a));
  auto b = progress("job_b", "done", 1, 0, 2000);
  b.uids = {{"same@x", "tb"}};
  CAF_REQUIRE(record(b));
  reopen();
  CAF_CHECK_EQUAL(
    uids("alice", {"same@x", "quote\"back\\slash,{}@x", ""}),
    (uid_map{{"same@x", "ta"}, {"quote\"back\\slash,{}@x", "tq"}, {"", "te"}}));
  CAF_CHECK_EQUAL(uids("bob", {"same@x", ""}), (uid_map{{"same@x", "tb"}}));
  CAF_CHECK(uids("carol", {"same@x"}).empty());
}

CAF_TEST(a cancelled job stays cancelled) {
  create(job("job_1", "alice"));
  create(job("job_2", "alice"));
  CAF_REQUIRE(record(progress("job_1", "running", 2, 0, 2000)));
  // Not there, or another user's.
  auto none = jobs().cancel_job("alice", "job_none", 3000);
  CAF_CHECK_EQUAL(none.error(), ec::not_found);
  auto others = jobs().cancel_job("bob", "job_1", 3000);
  CAF_CHECK_EQUAL(others.error(), ec::not_found);
  CAF_CHECK_EQUAL(find("alice", "job_1").state, "running");
  auto cancelled = jobs().cancel_job("alice", "job_1", 3000);
  CAF_REQUIRE(cancelled);
  CAF_CHECK_EQUAL(cancelled->id, "job_1");
  CAF_CHECK_EQUAL(cancelled->state, "cancelled");
  CAF_CHECK_EQUAL(cancelled->done, 2);
  CAF_CHECK_EQUAL(cancelled->updated_ms, 3000);
  CAF_CHECK_EQUAL(cancelled->created_ms, 1000);
  CAF_CHECK_EQUAL(payload("job_1"), "");
  // A batch that was under way writes nothing.
  auto late = progress("job_1", "running", 4, 1, 4000);
  late.errors = {{3, "", "late"}};
  late.uids = {{"uid@x", "t1"}};
  CAF_CHECK(!record(late));
  late.state = "done";
  CAF_CHECK(!record(late));
  reopen();
  auto x = find("alice", "job_1");
  CAF_CHECK_EQUAL(x.state, "cancelled");
  CAF_CHECK_EQUAL(x.done, 2);
  CAF_CHECK_EQUAL(x.failed, 0);
  CAF_CHECK_EQUAL(x.updated_ms, 3000);
  CAF_CHECK(errors("job_1").empty());
  CAF_CHECK(uids("alice", {"uid@x"}).empty());
  // A final job cannot be cancelled (again): the record is unchanged.
  auto again = jobs().cancel_job("alice", "job_1", 5000);
  CAF_CHECK_EQUAL(again.error(), ec::conflict);
  CAF_REQUIRE(record(progress("job_2", "done", 10, 0, 2500)));
  auto done = jobs().cancel_job("alice", "job_2", 5000);
  CAF_CHECK_EQUAL(done.error(), ec::conflict);
  CAF_CHECK_EQUAL(find("alice", "job_1").updated_ms, 3000);
  CAF_CHECK_EQUAL(find("alice", "job_2").state, "done");
  CAF_CHECK_EQUAL(find("alice", "job_2").updated_ms, 2500);
  // A queued job can be cancelled too.
  create(job("job_3", "alice"));
  auto queued = jobs().cancel_job("alice", "job_3", 6000);
  CAF_REQUIRE(queued);
  CAF_CHECK_EQUAL(queued->state, "cancelled");
  CAF_CHECK(unfinished("n1").empty());
}

CAF_TEST(a job that ends owes its user a notification until it is settled) {
  auto owed = [&](int64_t before) {
    auto xs = jobs().owed_notifications(before, 100);
    if (!xs)
      CAF_FAIL("owed_notifications: " << describe(xs.error()));
    strings result;
    for (auto& x : *xs)
      result.push_back(x.id);
    return result;
  };
  for (auto id : {"job_1", "job_2", "job_3", "job_4"})
    create(job(id, "alice"));
  CAF_REQUIRE(record(progress("job_1", "running", 2, 0, 2000)));
  CAF_CHECK(owed(10000).empty());
  CAF_REQUIRE(record(progress("job_1", "done", 10, 1, 3000)));
  CAF_REQUIRE(record(progress("job_2", "failed", 0, 0, 2500)));
  CAF_REQUIRE(jobs().cancel_job("alice", "job_3", 2600));
  // Oldest end first; a cancelled or unfinished job owes nothing; only
  // those that ended before the bound.
  CAF_CHECK_EQUAL(owed(10000), strings({"job_2", "job_1"}));
  CAF_CHECK_EQUAL(owed(3000), strings({"job_2"}));
  auto first = jobs().owed_notifications(10000, 1);
  CAF_REQUIRE(first && first->size() == 1);
  CAF_CHECK_EQUAL(first->front().user_id, "alice");
  CAF_CHECK_EQUAL(first->front().state, "failed");
  reopen();
  CAF_CHECK_EQUAL(owed(10000), strings({"job_2", "job_1"}));
  if (auto err = jobs().notified("job_2"))
    CAF_FAIL("notified: " << describe(err));
  CAF_CHECK_EQUAL(owed(10000), strings({"job_1"}));
  // A late batch of a final job changes nothing, the debt included.
  CAF_CHECK(!record(progress("job_2", "done", 10, 0, 4000)));
  CAF_CHECK_EQUAL(owed(10000), strings({"job_1"}));
  if (auto err = jobs().notified("job_1"))
    CAF_FAIL("notified: " << describe(err));
  reopen();
  CAF_CHECK(owed(10000).empty());
}

CAF_TEST(a claim takes idle own jobs and lapsed ones of others oldest first) {
  auto lease = [this](const std::string& id, int64_t created_ms,
                      const std::string& node, int64_t lease_until_ms) {
    auto x = job(id, "alice", created_ms, node);
    x.lease_until_ms = lease_until_ms;
    create(x);
  };
  lease("job_own", 1000, "n1", 5000); // Own, idle: taken.
  lease("job_run", 1100, "n1", 30000); // Own, running: skipped.
  lease("job_live", 900, "n2", 20000); // Another's, live: skipped.
  lease("job_lapsed", 1200, "n2", 9000); // Another's, lapsed: taken.
  lease("job_edge", 1250, "n3", 10000); // Ends at now: still live.
  lease("job_gone", 1300, "n3", 0); // Another's, lapsed: taken.
  lease("job_done", 800, "n3", 0); // Final: never taken.
  lease("job_cancelled", 700, "n1", 0); // Own but final: never taken.
  CAF_REQUIRE(record(progress("job_lapsed", "running", 4, 1, 1500, "n2")));
  CAF_REQUIRE(record(progress("job_done", "done", 10, 0, 1500, "n3")));
  CAF_REQUIRE(jobs().cancel_job("alice", "job_cancelled", 1500));
  auto taken = claim("n1", {"job_run"}, 10000, 40000);
  CAF_REQUIRE_EQUAL(taken.size(), 3u);
  CAF_CHECK_EQUAL(taken[0].id, "job_own");
  CAF_CHECK_EQUAL(taken[1].id, "job_lapsed");
  CAF_CHECK_EQUAL(taken[2].id, "job_gone");
  for (auto& x : taken) {
    CAF_CHECK_EQUAL(x.node, "n1");
    CAF_CHECK_EQUAL(x.lease_until_ms, 40000);
  }
  // Returned as stored: a running job keeps its state and counters.
  CAF_CHECK_EQUAL(taken[0].state, "queued");
  CAF_CHECK_EQUAL(taken[1].state, "running");
  CAF_CHECK_EQUAL(taken[1].done, 4);
  CAF_CHECK_EQUAL(taken[1].failed, 1);
  CAF_CHECK_EQUAL(taken[1].user_id, "alice");
  CAF_CHECK_EQUAL(taken[1].format, "ics");
  CAF_CHECK_EQUAL(taken[1].created_ms, 1200);
  CAF_CHECK_EQUAL(taken[1].updated_ms, 1500);
  reopen();
  for (auto& x : taken) {
    auto y = find("alice", x.id);
    CAF_CHECK_EQUAL(y.node, "n1");
    CAF_CHECK_EQUAL(y.lease_until_ms, 40000);
    CAF_CHECK_EQUAL(y.state, x.state);
    CAF_CHECK_EQUAL(y.done, x.done);
  }
  // The others are untouched.
  auto run = find("alice", "job_run");
  CAF_CHECK_EQUAL(run.node, "n1");
  CAF_CHECK_EQUAL(run.lease_until_ms, 30000);
  auto live = find("alice", "job_live");
  CAF_CHECK_EQUAL(live.node, "n2");
  CAF_CHECK_EQUAL(live.lease_until_ms, 20000);
  auto edge = find("alice", "job_edge");
  CAF_CHECK_EQUAL(edge.node, "n3");
  CAF_CHECK_EQUAL(edge.lease_until_ms, 10000);
  auto done = find("alice", "job_done");
  CAF_CHECK_EQUAL(done.node, "n3");
  CAF_CHECK_EQUAL(done.state, "done");
  CAF_CHECK_EQUAL(done.lease_until_ms, 0);
  auto cancelled = find("alice", "job_cancelled");
  CAF_CHECK_EQUAL(cancelled.state, "cancelled");
  CAF_CHECK_EQUAL(cancelled.lease_until_ms, 0);
  CAF_CHECK_EQUAL(unfinished("n1"),
                  (strings{"job_own", "job_run", "job_lapsed", "job_gone"}));
  CAF_CHECK_EQUAL(unfinished("n2"), (strings{"job_live"}));
  // Another node claiming right after gets nothing; so does n2, which runs
  // its one job, and n1 again, running them all.
  CAF_CHECK(claim_ids("n4", {}, 10000, 40000).empty());
  CAF_CHECK(claim_ids("n2", {"job_live"}, 10000, 40000).empty());
  CAF_CHECK(claim_ids("n1", {"job_own", "job_run", "job_lapsed", "job_gone"},
                      10000, 40000)
              .empty());
  CAF_CHECK_EQUAL(find("alice", "job_own").lease_until_ms, 40000);
  // Once a lease ends, the boundary job goes too.
  CAF_CHECK_EQUAL(claim_ids("n4", {}, 10001, 50000), (strings{"job_edge"}));
  CAF_CHECK_EQUAL(find("alice", "job_edge").node, "n4");
}

CAF_TEST(a claim skips only the own jobs the node runs) {
  auto x = job("job_1", "alice", 1000, "n1"); // Lease 0: long lapsed.
  create(x);
  create(job("job_2", "alice", 2000, "n1"));
  // Ids that need quoting in an array literal.
  create(job("job_\"q\\,{}", "alice", 3000, "n1"));
  create(job("job_3", "alice", 4000, "n2"));
  // `running` names own jobs only: another node's lapsed job is taken.
  CAF_CHECK_EQUAL(
    claim_ids("n1", {"job_1", "job_\"q\\,{}", "job_3", "job_none"}, 5000, 9000),
    (strings{"job_2", "job_3"}));
  CAF_CHECK_EQUAL(find("alice", "job_1").lease_until_ms, 0);
  CAF_CHECK_EQUAL(find("alice", "job_\"q\\,{}").lease_until_ms, 0);
  CAF_CHECK_EQUAL(find("alice", "job_3").node, "n1");
  // An own job is taken whatever its lease (a restart runs none).
  CAF_CHECK_EQUAL(claim_ids("n1", {}, 5000, 9500),
                  (strings{"job_1", "job_2", "job_\"q\\,{}", "job_3"}));
  CAF_CHECK_EQUAL(find("alice", "job_2").lease_until_ms, 9500);
}

CAF_TEST(a claim takes at most limit jobs oldest first) {
  create(job("job_e", "alice", 5000, "n2"));
  create(job("job_b", "alice", 2000, "n2"));
  create(job("job_d", "bob", 3000, "n3"));
  create(job("job_c", "alice", 3000, "n2"));
  create(job("job_a", "carol", 1000, "n2"));
  CAF_CHECK(claim_ids("n1", {}, 100, 500, 0).empty());
  CAF_CHECK(claim_ids("n1", {}, 100, 500, -1).empty());
  CAF_CHECK_EQUAL(find("carol", "job_a").node, "n2");
  CAF_CHECK_EQUAL(claim_ids("n1", {}, 100, 500, 2),
                  (strings{"job_a", "job_b"}));
  CAF_CHECK_EQUAL(claim_ids("n4", {}, 100, 500, 2),
                  (strings{"job_c", "job_d"}));
  CAF_CHECK_EQUAL(claim_ids("n5", {}, 100, 500, 2), (strings{"job_e"}));
  CAF_CHECK_EQUAL(unfinished("n1"), (strings{"job_a", "job_b"}));
  CAF_CHECK_EQUAL(unfinished("n4"), (strings{"job_c", "job_d"}));
  CAF_CHECK_EQUAL(unfinished("n5"), (strings{"job_e"}));
  CAF_CHECK(unfinished("n2").empty());
  // The limit counts taken jobs: running ones left out do not use it up.
  CAF_CHECK_EQUAL(claim_ids("n1", {"job_a"}, 100, 600, 1), (strings{"job_b"}));
}

CAF_TEST(a renewal extends only the leases the node holds) {
  auto lease = [this](const std::string& id, const std::string& node) {
    auto x = job(id, "alice", 1000, node);
    x.lease_until_ms = 5000;
    create(x);
  };
  lease("job_1", "n1");
  lease("job_2", "n1");
  lease("job_3", "n2");
  renew("n1", {"job_1", "job_3", "job_none"}, 20000);
  CAF_CHECK_EQUAL(find("alice", "job_1").lease_until_ms, 20000);
  CAF_CHECK_EQUAL(find("alice", "job_2").lease_until_ms, 5000);
  CAF_CHECK_EQUAL(find("alice", "job_3").lease_until_ms, 5000);
  CAF_CHECK_EQUAL(find("alice", "job_3").node, "n2");
  renew("n1", {}, 30000);
  CAF_CHECK_EQUAL(find("alice", "job_1").lease_until_ms, 20000);
  // After n2 took job_2 over, n1 no longer renews it.
  CAF_CHECK_EQUAL(claim_ids("n2", {"job_3"}, 6000, 16000), (strings{"job_2"}));
  renew("n1", {"job_1", "job_2"}, 40000);
  reopen();
  CAF_CHECK_EQUAL(find("alice", "job_1").lease_until_ms, 40000);
  CAF_CHECK_EQUAL(find("alice", "job_2").lease_until_ms, 16000);
  CAF_CHECK_EQUAL(find("alice", "job_2").node, "n2");
  renew("n2", {"job_2", "job_3"}, 50000);
  CAF_CHECK_EQUAL(find("alice", "job_2").lease_until_ms, 50000);
  CAF_CHECK_EQUAL(find("alice", "job_3").lease_until_ms, 50000);
}

CAF_TEST(a node that lost a job records no more of it) {
  create(job("job_1", "alice", 1000, "n1"));
  auto first = progress("job_1", "running", 2, 1, 2000);
  first.errors = {{1, "due", "not a date"}};
  first.uids = {{"uid-1@x", "t1"}};
  CAF_REQUIRE(record(first));
  // n1 stopped renewing: n2 takes the job over.
  CAF_REQUIRE_EQUAL(claim_ids("n2", {}, 3000, 33000), (strings{"job_1"}));
  // n1's late batch, even a final one, writes nothing.
  auto late = progress("job_1", "running", 5, 2, 4000);
  late.errors = {{3, "", "late"}};
  late.uids = {{"uid-2@x", "late"}, {"uid-1@x", "late"}};
  CAF_CHECK(!record(late));
  late.state = "done";
  CAF_CHECK(!record(late));
  late.node = "";
  CAF_CHECK(!record(late));
  reopen();
  auto x = find("alice", "job_1");
  CAF_CHECK_EQUAL(x.node, "n2");
  CAF_CHECK_EQUAL(x.state, "running");
  CAF_CHECK_EQUAL(x.done, 2);
  CAF_CHECK_EQUAL(x.failed, 1);
  CAF_CHECK_EQUAL(x.updated_ms, 2000);
  CAF_CHECK_EQUAL(x.lease_until_ms, 33000);
  CAF_CHECK_EQUAL(payload("job_1"), "payload");
  CAF_CHECK_EQUAL(error_indexes("job_1"), (indexes{1}));
  CAF_CHECK_EQUAL(uids("alice", {"uid-1@x", "uid-2@x"}),
                  (uid_map{{"uid-1@x", "t1"}}));
  // n2 carries on.
  auto next = progress("job_1", "done", 10, 2, 5000, "n2");
  next.errors = {{7, "", "bad"}};
  next.uids = {{"uid-2@x", "t2"}};
  CAF_CHECK(record(next));
  auto y = find("alice", "job_1");
  CAF_CHECK_EQUAL(y.state, "done");
  CAF_CHECK_EQUAL(y.done, 10);
  CAF_CHECK_EQUAL(error_indexes("job_1"), (indexes{1, 7}));
  CAF_CHECK_EQUAL(uids("alice", {"uid-1@x", "uid-2@x"}),
                  (uid_map{{"uid-1@x", "t1"}, {"uid-2@x", "t2"}}));
  CAF_CHECK_EQUAL(payload("job_1"), "");
}

CAF_TEST_FIXTURE_SCOPE_END()
