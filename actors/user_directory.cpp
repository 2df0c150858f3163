#include "actors/user_directory.hpp"

#include <atomic>
#include <malloc.h>
#include <thread>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"

namespace actodo::actors {

todo_list_actor user_directory_state::route(const std::string& user) {
  count_message(*settings.messages, actor_kind::user_directory, self);
  auto i = users.find(user);
  if (i == users.end()) {
    auto hdl = self->spawn(todo_list, user,
                           caf::actor_cast<user_directory_actor>(self), journal,
                           settings);
    self->monitor(hdl);
    ++spawned;
    stats->spawned.add();
    stats->resident.add();
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
  stats->passivated.add();
  stats->resident.add(-1);
  schedule_trim();
}

void user_directory_state::schedule_trim() {
  if (trim_scheduled || settings.trim_delay.count() <= 0)
    return;
  trim_scheduled = true;
  self->delayed_send(self, settings.trim_delay, atom::trim::value);
}

void user_directory_state::trim() {
  trim_scheduled = false;
  ++trims;
  if (settings.release_memory)
    settings.release_memory();
}

void release_heap_async() {
  static std::atomic<bool> running{false};
  if (running.exchange(true))
    return;
  // glibc keeps freed chunks in its arenas; without this, the memory of
  // passivated lists never goes back (bench/RESULTS.md, many-users). Off
  // the actor's thread: a trim of a fragmented heap of 400 MB took 540 ms.
  std::thread{[] {
    ::malloc_trim(0);
    running = false;
  }}.detach();
}

void user_directory_state::stop(const caf::error& reason) {
  for (auto& kvp : users)
    self->send_exit(kvp.second.handle, reason);
  stats->resident.add(-static_cast<int64_t>(users.size()));
  users.clear();
  self->quit(reason);
}

void user_directory_state::forget(const caf::actor_addr& list) {
  for (auto i = users.begin(); i != users.end(); ++i) {
    if (i->second.handle.address() == list) {
      users.erase(i);
      stats->resident.add(-1);
      return;
    }
  }
}

caf::result<list_summary>
user_directory_state::summary(const std::string& user) {
  auto i = users.find(user);
  if (i == users.end()) {
    list_summary absent;
    absent.user = user;
    return absent;
  }
  // Routed but not yet handled = the list's backlog of client messages.
  return self->delegate(i->second.handle, atom::summary::value, user);
}

namespace {

using directory_ptr = user_directory_actor::stateful_pointer<
  user_directory_state>;

/// A handler that forwards `(Atom, user, xs...)` to the user's todo_list,
/// which answers the original sender.
template<class Atom, class... Ts>
auto routed(directory_ptr self) {
  return [self](Atom x, std::string& user, Ts&... xs) {
    auto hdl = self->state.route(user);
    return self->delegate(hdl, x, std::move(user), std::move(xs)...);
  };
}

} // namespace

user_directory_actor::behavior_type
user_directory(directory_ptr self, journal_actor journal,
               todo_list_settings settings,
               std::shared_ptr<list_metrics> stats) {
  auto& st = self->state;
  st.self = self;
  st.journal = std::move(journal);
  st.settings = std::move(settings);
  st.stats = std::move(stats);
  // todo_lists are monitored, not linked: one failing todo_list never
  // takes the directory down.
  self->set_exit_handler(
    [self](caf::exit_msg& msg) { self->state.stop(msg.reason); });
  self->set_down_handler(
    [self](caf::down_msg& dm) { self->state.forget(dm.source); });
  return {
    [self](command& cmd) {
      return self->delegate(self->state.route(cmd.user_id), std::move(cmd));
    },
    routed<atom::wake, std::string>(self),
    routed<atom::list, domain::query>(self),
    routed<atom::get, std::string>(self),
    routed<atom::status, std::string>(self),
    routed<atom::subscribe, session_actor>(self),
    routed<atom::occurs, std::string, int32_t>(self),
    routed<atom::preview, domain::preview_request>(self),
    [self](atom::summary, const std::string& user) {
      return self->state.summary(user);
    },
    [self](atom::idle, const std::string& user, uint64_t handled) {
      auto sender = self->current_sender();
      self->state.idle(user, handled,
                       sender ? sender->address() : caf::actor_addr{});
    },
    [self](atom::trim) { self->state.trim(); },
  };
}

} // namespace actodo::actors
