#include "actors/user_directory.hpp"

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"

#include "actors/actor_stats.hpp"

namespace actodo::actors {

todo_list_actor user_directory_state::route(const std::string& user) {
  count_message(*stats, config::actor_kind::user_directory, self);
  auto i = users.find(user);
  if (i == users.end()) {
    auto hdl = self->spawn(todo_list, user,
                           caf::actor_cast<user_directory_actor>(self), journal,
                           settings);
    self->monitor(hdl);
    ++spawned;
    stats->todo_lists_spawned.add();
    stats->todo_lists.add();
    i = users.emplace(user, entry{std::move(hdl), 0}).first;
  }
  ++i->second.routed;
  return i->second.handle;
}

void user_directory_state::idle(const std::string& user, uint64_t handled,
                                const caf::actor_addr& reporter) {
  auto i = users.find(user);
  if (i == users.end() || i->second.handle.address() != reporter)
    return;
  // Only when the todo_list has handled everything routed to it: nothing
  // is in its mailbox, and after `erase` nothing new can reach it.
  if (i->second.routed != handled)
    return;
  self->send(i->second.handle, atom::passivate::value);
  self->demonitor(i->second.handle.address());
  users.erase(i);
  ++passivated;
  stats->todo_lists_passivated.add();
  stats->todo_lists.add(-1);
}

user_directory_actor::behavior_type user_directory(
  user_directory_actor::stateful_pointer<user_directory_state> self,
  journal_actor journal, todo_list_settings settings,
  std::shared_ptr<config::metrics> stats) {
  self->state.self = self;
  self->state.journal = std::move(journal);
  self->state.settings = settings;
  self->state.stats = stats ? std::move(stats)
                            : std::make_shared<config::metrics>();
  self->state.settings.stats = self->state.stats;
  // On shutdown, take every todo_list down too (they are monitored, not
  // linked, so that one failing todo_list never takes the directory down).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& kvp : self->state.users)
      self->send_exit(kvp.second.handle, msg.reason);
    self->state.stats->todo_lists.add(
      -static_cast<int64_t>(self->state.users.size()));
    self->state.users.clear();
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& users = self->state.users;
    for (auto i = users.begin(); i != users.end(); ++i) {
      if (i->second.handle.address() == dm.source) {
        users.erase(i);
        self->state.stats->todo_lists.add(-1);
        return;
      }
    }
  });
  return {
    [self](command& cmd) {
      return self->delegate(self->state.route(cmd.user_id), std::move(cmd));
    },
    [self](atom::wake, std::string& user, std::string& id) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::wake::value, std::move(user),
                            std::move(id));
    },
    [self](atom::list, std::string& user, domain::query& q) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::list::value, std::move(user),
                            std::move(q));
    },
    [self](atom::get, std::string& user, std::string& id) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::get::value, std::move(user),
                            std::move(id));
    },
    [self](atom::status, std::string& user, std::string& id) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::status::value, std::move(user),
                            std::move(id));
    },
    [self](atom::subscribe, std::string& user, session_actor& session) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::subscribe::value, std::move(user),
                            std::move(session));
    },
    [self](atom::occurs, std::string& user, std::string& id, int32_t limit) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::occurs::value, std::move(user),
                            std::move(id), limit);
    },
    [self](atom::preview, std::string& user, domain::preview_request& req) {
      auto hdl = self->state.route(user);
      return self->delegate(hdl, atom::preview::value, std::move(user),
                            std::move(req));
    },
    [self](atom::summary,
           const std::string& user) -> caf::result<list_summary> {
      auto& users = self->state.users;
      auto i = users.find(user);
      if (i == users.end()) {
        list_summary absent;
        absent.user = user;
        return absent;
      }
      // Routed but not yet handled = the list's backlog of client messages.
      return self->delegate(i->second.handle, atom::summary::value, user);
    },
    [self](atom::idle, const std::string& user, uint64_t handled) {
      auto sender = self->current_sender();
      self->state.idle(user, handled,
                       sender ? sender->address() : caf::actor_addr{});
    },
  };
}

} // namespace actodo::actors
