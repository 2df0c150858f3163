#pragma once

#include <memory>
#include <vector>

#include "caf/actor_system.hpp"

#include "actors/accounts.hpp"
#include "actors/gateway.hpp"
#include "actors/interfaces.hpp"
#include "actors/node_metrics.hpp"
#include "actors/reminder_scheduler.hpp"
#include "actors/todo_list.hpp"
#include "persistence/store.hpp"

namespace actodo::actors {

/// How the node's actors are set up.
struct node_settings {
  config::journal_options journal;
  todo_list_settings lists;
  reminder_scheduler_settings reminders;
  token_settings tokens;
  /// Where the actors count what they do; each actor gets its own part
  /// (the node hands `lists` the `messages` and `reminders` metrics).
  node_metrics stats;
};

/// The actors of one node, wired together: journal, user directory,
/// accounts and the gateway the web layer uses.
class node {
 public:
  node(caf::actor_system& sys, std::shared_ptr<persistence::store> store,
       std::shared_ptr<persistence::account_store> accounts,
       node_settings settings);

  ~node();

  gateway& gate() {
    return *gateway_;
  }

  user_directory_actor directory() const {
    return directory_;
  }

  journal_actor journal() const {
    return journal_;
  }

  reminder_scheduler_actor scheduler() const {
    return scheduler_;
  }

  /// Stops `hdl` with the node's own actors (the console endpoint's
  /// inspector, spawned by the edge that serves it).
  void adopt(caf::actor hdl) {
    adopted_.push_back(std::move(hdl));
  }

  /// Stops the gateway's workers, the directory (and with it every
  /// todo_list) and the journal.
  void shutdown();

 private:
  journal_actor journal_;
  user_directory_actor directory_;
  accounts_actor accounts_;
  /// The password hasher pool of `accounts_`.
  std::vector<hasher_actor> hashers_;
  std::vector<caf::actor> adopted_;
  reminder_scheduler_actor scheduler_;
  /// The long-lived actors that make the gateway's requests.
  std::vector<caf::actor> gateway_workers_;
  std::unique_ptr<gateway> gateway_;
};

} // namespace actodo::actors
