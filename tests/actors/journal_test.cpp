#define CAF_SUITE actors.journal

#include <chrono>
#include <thread>

#include "actors/journal.hpp"
#include "actors/node_metrics.hpp"

#include "tests/actors/fixture.hpp"

using namespace actodo;
using actodo::persistence::user_batch;

namespace {

struct fixture : test_coordinator_fixture<test::test_config> {
  fixture() {
    store = test::open_store(dir.path);
    journal = sys.spawn(actors::journal, store, test::unpruned_journal(),
                        stats.journal, stats.messages);
    sched.run();
  }

  ~fixture() override {
    caf::anon_send_exit(journal, caf::exit_reason::user_shutdown);
    sched.run();
  }

  actors::journal_state& state() {
    return deref<actors::journal_actor::stateful_base<actors::journal_state>>(
             journal)
      .state;
  }

  test::temp_dir dir;
  std::shared_ptr<test::faulty_store> store;
  actors::node_metrics stats;
  actors::journal_actor journal;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(journal_tests, fixture)

CAF_TEST(appends that queue up are committed in one transaction) {
  self->send(journal, atom::append::value,
             test::batch_for("alice", 1, 2, "r1"));
  self->send(journal, atom::append::value, test::batch_for("bob", 1, 1, "r2"));
  self->send(journal, atom::append::value,
             test::batch_for("alice", 3, 1, "r3"));
  expect((atom::append, user_batch), from(self).to(journal));
  expect((atom::append, user_batch), from(self).to(journal));
  expect((atom::append, user_batch), from(self).to(journal));
  // Nobody has an answer before the commit.
  CAF_CHECK_EQUAL(store->commit_calls, 0u);
  CAF_CHECK(self->mailbox().empty());
  expect((atom::flush), from(journal).to(journal));
  CAF_CHECK_EQUAL(store->commit_calls, 1u);
  CAF_CHECK_EQUAL(state().commits, 1u);
  CAF_CHECK_EQUAL(state().committed_batches, 3u);
  CAF_CHECK_EQUAL(stats.journal->commits.value(), 1);
  // Each waiter hears its own last sequence number, in order.
  std::vector<int64_t> acks;
  for (int i = 0; i < 3; ++i)
    self->receive([&](int64_t seq) { acks.push_back(seq); });
  CAF_CHECK_EQUAL(acks, (std::vector<int64_t>{2, 1, 3}));
  // What was acknowledged is in the store.
  auto events = store->read_events("alice", 0, 10);
  CAF_REQUIRE(events);
  CAF_CHECK_EQUAL(events->size(), 3u);
  auto req = store->find_request("bob", "r2");
  CAF_REQUIRE(req);
  CAF_CHECK(req->has_value());
}

CAF_TEST(a failed commit is reported to every waiter and nothing is kept) {
  store->fail_commits = true;
  self->send(journal, atom::append::value,
             test::batch_for("alice", 1, 1, "r1"));
  self->send(journal, atom::append::value, test::batch_for("bob", 1, 1, "r2"));
  self->send(journal, atom::append::value,
             test::batch_for("carol", 1, 1, "r3"));
  sched.run();
  CAF_CHECK_EQUAL(store->commit_calls, 1u);
  size_t errors = 0;
  for (int i = 0; i < 3; ++i)
    self->receive([&](int64_t) { CAF_FAIL("acknowledged a failed commit"); },
                  [&](caf::error& err) {
                    CAF_CHECK_EQUAL(err, ec::store_failure);
                    ++errors;
                  });
  CAF_CHECK_EQUAL(errors, 3u);
  CAF_CHECK_EQUAL(stats.journal->failures.value(), 1);
  CAF_CHECK_EQUAL(stats.journal->commits.value(), 0);
  CAF_CHECK(self->mailbox().empty());
  store->fail_commits = false;
  // The sequence counters were reset: the same sequence numbers work again.
  self->send(journal, atom::append::value,
             test::batch_for("alice", 1, 1, "r4"));
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 1); });
  auto events = store->read_events("alice", 0, 10);
  CAF_REQUIRE(events);
  CAF_CHECK_EQUAL(events->size(), 1u);
}

CAF_TEST(an append that skips a sequence number is refused) {
  self->send(journal, atom::append::value,
             test::batch_for("alice", 1, 1, "r1"));
  self->send(journal, atom::append::value,
             test::batch_for("alice", 3, 1, "r2"));
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 1); });
  self->receive([](int64_t) { CAF_FAIL("accepted a gap"); },
                [](caf::error& err) {
                  CAF_CHECK_EQUAL(err, ec::sequence_gap);
                });
  auto last = store->last_seq("alice");
  CAF_REQUIRE(last);
  CAF_CHECK_EQUAL(*last, 1);
}

CAF_TEST(the journal forgets the sequences of users that stopped writing) {
  state().last_seq = actors::seq_cache{4};
  for (int i = 0; i < 10; ++i) {
    auto user = "u" + std::to_string(i);
    self->send(journal, atom::append::value,
               test::batch_for(user, 1, 1, "r" + user));
    sched.run();
    self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 1); });
    // At most its capacity plus what one commit added.
    CAF_CHECK_LESS_OR_EQUAL(state().last_seq.size(), 5u);
  }
  CAF_CHECK_EQUAL(store->last_seq_calls, 10u);
  CAF_CHECK(!state().last_seq.contains("u0"));
  CAF_CHECK(state().last_seq.contains("u9"));
  // A forgotten user is read from the store again: its next sequence is
  // accepted, a gap is still refused.
  self->send(journal, atom::append::value,
             test::batch_for("u0", 2, 1, "again"));
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 2); });
  CAF_CHECK_EQUAL(store->last_seq_calls, 11u);
  self->send(journal, atom::append::value, test::batch_for("u1", 3, 1, "gap"));
  sched.run();
  self->receive([](int64_t) { CAF_FAIL("accepted a gap"); },
                [](caf::error& err) {
                  CAF_CHECK_EQUAL(err, ec::sequence_gap);
                });
  CAF_CHECK_EQUAL(store->last_seq_calls, 12u);
}

CAF_TEST(the journal never forgets a sequence that runs ahead of the store) {
  state().last_seq = actors::seq_cache{4};
  // Six users and then u0 again, all pending in one group commit: more
  // users than the cache holds while none of them is stored yet.
  for (int i = 0; i < 6; ++i) {
    auto user = "u" + std::to_string(i);
    self->send(journal, atom::append::value,
               test::batch_for(user, 1, 1, "r" + user));
  }
  self->send(journal, atom::append::value,
             test::batch_for("u0", 2, 1, "again"));
  sched.run();
  CAF_CHECK_EQUAL(store->commit_calls, 1u);
  for (int i = 0; i < 6; ++i)
    self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 1); },
                  [](caf::error& err) { CAF_FAIL("refused: " << err); });
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 2); },
                [](caf::error& err) { CAF_FAIL("refused: " << err); });
  // Loads age the cache too: it stays bounded without writes.
  for (int i = 0; i < 10; ++i) {
    self->send(journal, atom::load::value, "reader" + std::to_string(i));
    sched.run();
    self->receive([](persistence::user_snapshot&) {},
                  [](caf::error& err) { CAF_FAIL("load failed: " << err); });
  }
  CAF_CHECK_LESS_OR_EQUAL(state().last_seq.size(), 4u);
}

CAF_TEST(reads see every acknowledged write) {
  self->send(journal, atom::append::value,
             test::batch_for("alice", 1, 3, "r1"));
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 3); });
  self->send(journal, atom::events::value, std::string{"alice"}, int64_t{1},
             int64_t{10});
  sched.run();
  self->receive([](std::vector<persistence::event_record>& events) {
    CAF_REQUIRE_EQUAL(events.size(), 2u);
    CAF_CHECK_EQUAL(events[0].seq, 2);
    CAF_CHECK_EQUAL(events[1].seq, 3);
  });
  self->send(journal, atom::find::value, std::string{"alice"},
             std::string{"r1"});
  self->send(journal, atom::find::value, std::string{"bob"}, std::string{"r1"});
  sched.run();
  self->receive([](std::vector<persistence::request_record>& found) {
    CAF_CHECK_EQUAL(found.size(), 1u);
  });
  // Another user's request id is not found.
  self->receive([](std::vector<persistence::request_record>& found) {
    CAF_CHECK_EQUAL(found.size(), 0u);
  });
}

CAF_TEST(the prune removes events older than the event retention) {
  caf::anon_send_exit(journal, caf::exit_reason::user_shutdown);
  sched.run();
  auto opts = test::unpruned_journal();
  opts.event_retention = std::chrono::milliseconds(1);
  journal = sys.spawn(actors::journal, store, opts, stats.journal,
                      stats.messages);
  // The first prune runs at once, before anything is written.
  sched.run_once();
  self->send(journal, atom::append::value,
             test::batch_for("alice", 1, 3, "r1"));
  sched.run();
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 3); });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  self->send(journal, atom::prune::value);
  sched.run();
  self->send(journal, atom::events::value, std::string{"alice"}, int64_t{0},
             int64_t{10});
  self->send(journal, atom::events::value, std::string{"alice"}, int64_t{2},
             int64_t{10});
  sched.run();
  self->receive(
    [](std::vector<persistence::event_record>&) { CAF_FAIL("not pruned"); },
    [](caf::error& err) { CAF_CHECK_EQUAL(err, ec::gone); });
  self->receive([](std::vector<persistence::event_record>& events) {
    CAF_REQUIRE_EQUAL(events.size(), 1u);
    CAF_CHECK_EQUAL(events[0].seq, 3);
  });
}

/// `b` with `n` todo rows.
user_batch with_rows(user_batch b, int n) {
  for (int i = 0; i < n; ++i)
    b.todos.push_back(
      {"t" + std::to_string(i), R"({"id":"t)" + std::to_string(i) + "\"}"});
  return b;
}

CAF_TEST(rows beyond the store limit are written in place after the commit) {
  test::temp_dir other;
  auto small = test::open_store(other.path, 2);
  actors::node_metrics own;
  auto j = sys.spawn(actors::journal, small, test::unpruned_journal(),
                     own.journal, own.messages);
  sched.run();
  deref<actors::journal_actor::stateful_base<actors::journal_state>>(j)
    .state.fold_step
    = 1;
  self->send(j, atom::append::value,
             with_rows(test::batch_for("alice", 1, 1, "r1"), 5));
  expect((atom::append, user_batch), from(self).to(j));
  expect((atom::flush), from(j).to(j));
  // The waiter heard back; the rows beyond the limit (2) went in place,
  // down to a step (1) below it.
  self->receive([](int64_t seq) { CAF_CHECK_EQUAL(seq, 1); });
  CAF_CHECK_EQUAL(small->deferred().waiting, 1u);
  CAF_CHECK_EQUAL(own.journal->folded_rows.value(), 4);
  CAF_CHECK_EQUAL(own.journal->deferred_rows.value(), 1);
  auto snap = small->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->todos.size(), 5u);
  caf::anon_send_exit(j, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST(waiting rows are written in place once no command committed) {
  using std::chrono::milliseconds;
  self->send(journal, atom::append::value,
             with_rows(test::batch_for("alice", 1, 1, "r1"), 3));
  sched.run();
  self->receive([](int64_t) {});
  CAF_CHECK_EQUAL(store->deferred().waiting, 3u);
  // Another commit 60 ms later: the timer armed by the first finds the
  // journal busy 40 ms after it and looks again 60 ms later.
  sched.advance_time(milliseconds(60));
  self->send(journal, atom::append::value,
             with_rows(test::batch_for("alice", 2, 1, "r2"), 1));
  sched.run();
  self->receive([](int64_t) {});
  sched.advance_time(milliseconds(40));
  expect((atom::idle), from(journal).to(journal));
  CAF_CHECK_EQUAL(store->deferred().waiting, 4u); // t0 twice: 3 rows
  sched.advance_time(milliseconds(59));
  CAF_CHECK(!received<atom::idle>(journal));
  sched.advance_time(milliseconds(1));
  expect((atom::idle), from(journal).to(journal));
  CAF_CHECK_EQUAL(store->deferred().waiting, 0u);
  CAF_CHECK_EQUAL(stats.journal->folded_rows.value(), 4);
  CAF_CHECK(!sched.has_pending_timeout());
  auto snap = store->load_user("alice");
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->todos.size(), 3u);
}

CAF_TEST(rows an earlier run left waiting are written in place after start) {
  test::temp_dir other;
  auto earlier = test::open_store(other.path);
  CAF_REQUIRE(
    !earlier->commit({with_rows(test::batch_for("alice", 1, 1, "r1"), 2)}));
  CAF_REQUIRE_EQUAL(earlier->deferred().waiting, 2u);
  actors::node_metrics own;
  auto j = sys.spawn(actors::journal, earlier, test::unpruned_journal(),
                     own.journal, own.messages);
  sched.run();
  CAF_CHECK_EQUAL(own.journal->deferred_rows.value(), 2);
  sched.advance_time(std::chrono::milliseconds(100));
  expect((atom::idle), from(j).to(j));
  CAF_CHECK_EQUAL(earlier->deferred().waiting, 0u);
  CAF_CHECK_EQUAL(own.journal->folded_rows.value(), 2);
  caf::anon_send_exit(j, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()
