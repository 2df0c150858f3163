#define CAF_SUITE actors.cluster_routing

#include <nlohmann/json.hpp>

#include "actors/domain/partition.hpp"
#include "actors/domain/time.hpp"
#include "actors/reminder_scheduler.hpp"
#include "actors/user_directory.hpp"
#include "config/error.hpp"

#include "tests/actors/codec.hpp"
#include "tests/actors/node_fixture.hpp"

using namespace actodo;
using actors::command;

namespace {

constexpr int32_t partitions = 4;

/// A directory in cluster mode beside the fixture's, which plays the
/// directory of another node (sharing the store, as nodes do), and the
/// reminder scheduler of this node, on virtual time from `base_ms`.
struct fixture : test::node_fixture {
  fixture() {
    t0 = sched.clock().now();
    auto clock = [this] {
      return base_ms
             + std::chrono::duration_cast<std::chrono::milliseconds>(
                 sched.clock().now() - t0)
                 .count();
    };
    actors::reminder_scheduler_settings rs;
    rs.clustered = true;
    // Two entries in memory at most: reads page through the index.
    rs.window = 2;
    rs.clock = clock;
    rs.request_timeout = std::chrono::hours(1);
    scheduler = sys.spawn(actors::reminder_scheduler, journal, rs,
                          stats.reminders, stats.messages);
    auto clustered_settings = settings;
    clustered_settings.clustered = true;
    clustered_settings.clock = clock;
    clustered_settings.scheduler = scheduler;
    clustered = sys.spawn(actors::user_directory, journal, clustered_settings,
                          stats.lists);
    self->send(scheduler, atom::start::value, clustered);
    sched.run();
  }

  ~fixture() override {
    caf::anon_send_exit(clustered, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(scheduler, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void advance(std::chrono::seconds d) {
    for (int i = 0; i < d.count(); ++i) {
      sched.advance_time(std::chrono::seconds(1));
      sched.run();
    }
  }

  actors::reminder_scheduler_state& scheduler_state() {
    return deref<actors::reminder_scheduler_actor::stateful_base<
      actors::reminder_scheduler_state>>(scheduler)
      .state;
  }

  /// Creates a todo of `user` with one reminder per offset (ms from
  /// `base_ms`) through `dir`; its id.
  std::string remind(const actors::user_directory_actor& dir,
                     const std::string& user, std::vector<int64_t> offsets) {
    std::string reminders;
    for (auto ms : offsets)
      reminders += (reminders.empty() ? "" : ",") + std::string{R"({"at":")"}
                   + actors::domain::format_rfc3339_ms(base_ms + ms) + "\"}";
    command cmd;
    cmd.user_id = user;
    cmd.request_id = "r" + std::to_string(++requests);
    test::set_body(cmd, R"({"title":"t","reminders":[)" + reminders + "]}");
    self->send(dir, cmd);
    sched.run();
    std::string id;
    self->receive(
      [&](actors::command_outcome& x) {
        id = nlohmann::json::parse(test::view(x).body).at("id");
      },
      [&](caf::error& err) { CAF_FAIL(describe(err)); });
    return id;
  }

  /// The state of the first reminder of `user`'s todo `id`, read through
  /// `dir`.
  std::string reminder_state(const actors::user_directory_actor& dir,
                             const std::string& user, const std::string& id) {
    self->send(dir, atom::get::value, user, id);
    sched.run();
    std::string result;
    self->receive(
      [&](actors::domain::todo& x) {
        CAF_REQUIRE(!x.reminders.empty());
        result = std::string{to_string(x.reminders[0].state)};
      },
      [&](caf::error& err) { CAF_FAIL(describe(err)); });
    return result;
  }

  /// Sends a create for `user` to the clustered directory.
  caf::expected<actors::command_outcome> create(const std::string& user) {
    command cmd;
    cmd.user_id = user;
    cmd.request_id = "r" + std::to_string(++requests);
    test::set_body(cmd, R"({"title":"t"})");
    self->send(clustered, cmd);
    sched.run();
    caf::expected<actors::command_outcome> result{caf::error{}};
    self->receive([&](actors::command_outcome& x) { result = std::move(x); },
                  [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Claims `parts` in the store through the journal (as a cluster agent
  /// does): their new epochs.
  std::vector<int64_t> claim(std::vector<int32_t> parts) {
    self->send(journal, atom::claim::value, std::move(parts),
               std::vector<int64_t>{});
    sched.run();
    std::vector<int64_t> result;
    self->receive([&](std::vector<int64_t>& xs) { result = std::move(xs); },
                  [&](caf::error& err) { CAF_FAIL(describe(err)); });
    return result;
  }

  /// Every partition owned by `owner` except `p`, owned by `p_owner`; the
  /// partitions of this node that it does not hold yet are claimed first.
  void route(const caf::actor& owner, int32_t p = -1,
             const caf::actor& p_owner = caf::actor{}) {
    actors::routing_table table;
    table.partitions = partitions;
    std::vector<int32_t> mine;
    for (int32_t i = 0; i < partitions; ++i) {
      table.owners.push_back(i == p ? p_owner : owner);
      table.nodes.push_back(i == p && !p_owner ? "" : "node");
      if (table.owners.back() && table.owners.back() == self_handle())
        mine.push_back(i);
    }
    std::vector<int32_t> fresh;
    for (auto i : mine)
      if (held.count(i) == 0)
        fresh.push_back(i);
    auto epochs = claim(fresh);
    for (size_t i = 0; i < fresh.size(); ++i)
      held[fresh[i]] = epochs[i];
    table.epochs.resize(partitions);
    for (auto i : mine)
      table.epochs[static_cast<size_t>(i)] = held[i];
    caf::anon_send(clustered, atom::owners::value, std::move(table));
    sched.run();
  }

  actors::user_directory_state& clustered_state() {
    return deref<actors::user_directory_actor::stateful_base<
      actors::user_directory_state>>(clustered)
      .state;
  }

  caf::actor self_handle() {
    return caf::actor_cast<caf::actor>(clustered);
  }

  caf::actor other_node() {
    return caf::actor_cast<caf::actor>(directory);
  }

  const int32_t alice = actors::domain::partition_of("alice", partitions);
  int64_t base_ms = actors::domain::now_ms();
  caf::actor_clock::time_point t0;
  actors::reminder_scheduler_actor scheduler;
  actors::user_directory_actor clustered;
  /// The epochs this node claimed.
  std::map<int32_t, int64_t> held;
  int requests = 0;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_routing_tests, fixture)

CAF_TEST(nothing is routed before the first partition table) {
  auto x = create("alice");
  CAF_REQUIRE(!x);
  CAF_CHECK_EQUAL(x.error(), ec::unavailable);
  CAF_CHECK_EQUAL(retry_after(x.error()), 1);
  CAF_CHECK(clustered_state().users.empty());
}

CAF_TEST(users of partitions this node owns get a local list) {
  route(self_handle());
  auto x = create("alice");
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(x->code, actors::outcome_code::created);
  CAF_CHECK_EQUAL(clustered_state().users.count("alice"), 1u);
  CAF_CHECK(directory_state().users.empty());
}

CAF_TEST(users of other nodes go to the owning directory) {
  route(self_handle(), alice, other_node());
  auto x = create("alice");
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(x->code, actors::outcome_code::created);
  // The owner's directory holds the list and answered the requester.
  CAF_CHECK_EQUAL(directory_state().users.count("alice"), 1u);
  CAF_CHECK_EQUAL(clustered_state().users.count("alice"), 0u);
}

CAF_TEST(a partition without an owner answers unavailable) {
  route(self_handle(), alice);
  auto x = create("alice");
  CAF_REQUIRE(!x);
  CAF_CHECK_EQUAL(x.error(), ec::unavailable);
  CAF_CHECK_NOT_EQUAL(describe(x.error()).find("no node owns partition"),
                      std::string::npos);
}

CAF_TEST(lists of a partition that moved away are passivated) {
  route(self_handle());
  CAF_REQUIRE(create("alice"));
  CAF_REQUIRE(create("bob"));
  auto list = clustered_state().users.at("alice").handle;
  route(self_handle(), alice, other_node());
  CAF_CHECK_EQUAL(clustered_state().users.count("alice"), 0u);
  auto bob = actors::domain::partition_of("bob", partitions);
  CAF_CHECK_EQUAL(clustered_state().users.count("bob"), bob == alice ? 0u : 1u);
  // Its commands go to the new owner, which loads the user from the store.
  auto x = create("alice");
  CAF_REQUIRE(x);
  CAF_CHECK_EQUAL(directory_state().users.count("alice"), 1u);
  CAF_CHECK_NOT_EQUAL(directory_state().users.at("alice").handle, list);
  auto& moved = list_state(directory_state().users.at("alice").handle);
  CAF_CHECK_EQUAL(moved.todos.by_id.size(), 2u);
}

CAF_TEST(a claim by another node fences the list and tells the listener) {
  self->send(journal, atom::fenced::value,
             caf::actor_cast<actors::fence_listener_actor>(self));
  route(self_handle());
  CAF_REQUIRE(create("alice"));
  auto before = store->last_seq("alice");
  // Another node claims alice's partition: this node's epoch is stale.
  CAF_REQUIRE_EQUAL(claim({alice}), std::vector<int64_t>{2});
  auto x = create("alice");
  CAF_REQUIRE(!x);
  CAF_CHECK_EQUAL(x.error(), ec::fenced);
  CAF_CHECK_EQUAL(retry_after(x.error()), 1);
  CAF_CHECK_EQUAL(store->last_seq("alice"), before);
  auto heard = false;
  self->receive([&](atom::fenced, int32_t p, int64_t epoch) {
    heard = true;
    CAF_CHECK_EQUAL(p, alice);
    CAF_CHECK_EQUAL(epoch, 1);
  });
  CAF_CHECK(heard);
  // The fenced list is gone; the other users' lists commit as before.
  CAF_CHECK_EQUAL(clustered_state().users.count("alice"), 0u);
  auto bob = actors::domain::partition_of("bob", partitions);
  if (bob != alice)
    CAF_CHECK(create("bob"));
}

CAF_TEST(a list loads again when its partition gets a new epoch) {
  route(self_handle());
  CAF_REQUIRE(create("alice"));
  auto list = clustered_state().users.at("alice").handle;
  // Claimed again here (the partition came back): the list under the old
  // epoch goes, the next one reads what other nodes wrote meanwhile.
  held.clear();
  route(self_handle());
  CAF_CHECK_EQUAL(clustered_state().users.count("alice"), 0u);
  auto x = create("alice");
  CAF_REQUIRE(x);
  CAF_CHECK_NOT_EQUAL(clustered_state().users.at("alice").handle, list);
  CAF_CHECK_EQUAL(clustered_state().users.at("alice").epoch, 2);
  CAF_CHECK_EQUAL(store->last_seq("alice"), int64_t{2});
}

CAF_TEST(the directory counts the sessions of this node per user) {
  route(self_handle());
  auto spawn_session = [&] {
    // One argument: CAF 0.17 binds a null tuple for none (UBSan).
    auto hdl = sys.spawn(
      [](int) -> caf::behavior {
        return {[](atom::frame, const actors::shared_frame&) {}};
      },
      0);
    return caf::actor_cast<actors::session_actor>(hdl);
  };
  auto subscribe = [&](const std::string& user,
                       const actors::session_actor& session) {
    self->send(clustered, atom::subscribe::value, user, session);
    sched.run();
    self->receive([](int64_t) {},
                  [](caf::error& err) { CAF_FAIL(describe(err)); });
  };
  auto presence = [&] {
    std::map<std::string, int64_t> result;
    self->send(clustered, atom::presence::value);
    sched.run();
    self->receive(
      [&](std::map<std::string, int64_t>& xs) { result = std::move(xs); });
    return result;
  };
  auto s1 = spawn_session();
  auto s2 = spawn_session();
  auto s3 = spawn_session();
  subscribe("alice", s1);
  subscribe("alice", s2);
  subscribe("bob", s3);
  subscribe("alice", s1); // Again, after its list moved: still one.
  using counts = std::map<std::string, int64_t>;
  CAF_CHECK_EQUAL(presence(), (counts{{"alice", 2}, {"bob", 1}}));
  caf::anon_send_exit(s1, caf::exit_reason::kill);
  caf::anon_send_exit(s3, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK_EQUAL(presence(), (counts{{"alice", 1}}));
  caf::anon_send_exit(s2, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK(presence().empty());
}

CAF_TEST(the scheduler keeps the reminders of the partitions this node owns) {
  // Alice's partition is another node's: a reminder written there (due in
  // 5 s) is not this node's to fire, and its scheduler never heard of it.
  route(self_handle(), alice, other_node());
  auto id = remind(directory, "alice", {5000, 60000});
  CAF_CHECK(scheduler_state().index.empty());
  CAF_CHECK(scheduler_state().backlog.empty());
  advance(std::chrono::seconds(10));
  CAF_CHECK_EQUAL(reminder_state(directory, "alice", id), "pending");
  // The partition moves here (its owner died): the scheduler reads the
  // index again and fires what fell due meanwhile, once.
  route(self_handle());
  CAF_CHECK_EQUAL(scheduler_state().backlog.size(), 1u);
  advance(std::chrono::seconds(2));
  CAF_CHECK_EQUAL(reminder_state(clustered, "alice", id), "fired");
  CAF_CHECK_EQUAL(stats.reminders->fired.value(), 1);
  // The second reminder is this node's to fire now ...
  using key = actors::reminder_scheduler_state::key;
  CAF_CHECK_EQUAL(scheduler_state().index.count(key{"alice", id}), 1u);
  // ... until the partition moves away again: its entries go with it.
  route(self_handle(), alice, other_node());
  CAF_CHECK(scheduler_state().backlog.empty());
  CAF_CHECK(scheduler_state().index.empty());
}

CAF_TEST(the scheduler reads on past pages of users of other nodes) {
  // The index starts with six entries of alice, another node's user; bob's
  // one is after them, written before bob's partition came here.
  std::string bob = "bob";
  for (int i = 0; actors::domain::partition_of(bob, partitions) == alice;)
    bob = "bob" + std::to_string(++i);
  route(other_node());
  for (int i = 0; i < 3; ++i)
    remind(directory, "alice", {1000, 2000});
  auto id = remind(directory, bob, {5000});
  // With two entries in memory at most, the first pages hold only alice's.
  route(self_handle(), alice, other_node());
  advance(std::chrono::seconds(6));
  CAF_CHECK_EQUAL(reminder_state(clustered, bob, id), "fired");
  CAF_CHECK_EQUAL(stats.reminders->fired.value(), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
