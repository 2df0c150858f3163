#pragma once

#include "actors/journal.hpp"
#include "actors/node_metrics.hpp"
#include "actors/todo_list.hpp"
#include "actors/user_directory.hpp"

#include "tests/actors/fixture.hpp"

namespace actodo::test {

/// A journal on a real (fault-injectable) SQLite store and a user directory,
/// under CAF's deterministic test coordinator.
struct node_fixture : test_coordinator_fixture<test_config> {
  node_fixture() {
    store = open_store(dir.path);
    journal = sys.spawn(actors::journal, store, test::unpruned_journal(),
                        stats.journal, stats.messages);
    settings.idle_timeout = std::chrono::seconds(60);
    settings.request_timeout = std::chrono::seconds(10);
    // Deterministic: no worker threads under the test coordinator.
    settings.inline_expansions = true;
    settings.messages = stats.messages;
    settings.recurrences = stats.reminders;
    directory = sys.spawn(actors::user_directory, journal, settings,
                          stats.lists);
    sched.run();
  }

  ~node_fixture() override {
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(journal, caf::exit_reason::user_shutdown);
    sched.run();
  }

  actors::user_directory_state& directory_state() {
    return deref<actors::user_directory_actor::stateful_base<
      actors::user_directory_state>>(directory)
      .state;
  }

  actors::todo_list_state& list_state(const actors::todo_list_actor& hdl) {
    return deref<
             actors::todo_list_actor::stateful_base<actors::todo_list_state>>(
             hdl)
      .state;
  }

  temp_dir dir;
  std::shared_ptr<faulty_store> store;
  actors::node_metrics stats;
  actors::journal_actor journal;
  actors::user_directory_actor directory;
  actors::todo_list_settings settings;
};

} // namespace actodo::test
