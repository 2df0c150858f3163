#pragma once

#include <memory>

#include "caf/actor_system.hpp"

#include "actors/gateway.hpp"
#include "actors/interfaces.hpp"
#include "actors/todo_list.hpp"
#include "persistence/store.hpp"

namespace actodo::actors {

/// The actors of one node, wired together: journal, user directory and the
/// gateway the web layer uses.
class node {
 public:
  node(caf::actor_system& sys, std::shared_ptr<persistence::store> store,
       size_t max_batch, caf::timespan retention, todo_list_settings settings);

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

  /// Stops the directory (and with it every todo_list) and the journal.
  void shutdown();

 private:
  caf::actor_system& sys_;
  journal_actor journal_;
  user_directory_actor directory_;
  std::unique_ptr<gateway> gateway_;
};

} // namespace actodo::actors
