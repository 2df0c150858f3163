#include "actors/user_directory.hpp"

#include <type_traits>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/exit_reason.hpp"

#include "actors/domain/partition.hpp"
#include "config/error.hpp"

namespace actodo::actors {

todo_list_actor user_directory_state::route(const std::string& user) {
  count_message(*settings.messages, actor_kind::user_directory, self);
  auto i = users.find(user);
  if (i == users.end()) {
    persistence::partition_fence fence;
    if (settings.clustered) {
      // Every commit of the list is fenced with this node's epoch.
      auto p = domain::partition_of(user, routes.partitions);
      fence = {p, routes.epochs[static_cast<size_t>(p)]};
    }
    auto hdl = self->spawn(todo_list, user,
                           caf::actor_cast<user_directory_actor>(self), journal,
                           list_settings, fence);
    self->monitor(hdl);
    ++spawned;
    stats->spawned.add();
    stats->resident.add();
    i = users.emplace(user, entry{std::move(hdl), 0, fence.epoch}).first;
  }
  ++i->second.routed;
  return i->second.handle;
}

caf::expected<todo_api> user_directory_state::target(const std::string& user) {
  if (!settings.clustered)
    return todo_api{route(user)};
  if (routes.partitions <= 0)
    return make_retry_error(ec::unavailable, "",
                            "this node has not joined the cluster yet", 1);
  auto p = domain::partition_of(user, routes.partitions);
  auto& owner = routes.owners[static_cast<size_t>(p)];
  if (!owner)
    return make_retry_error(ec::unavailable, "",
                            "no node owns partition " + std::to_string(p)
                              + " right now (the cluster is rebalancing)",
                            1);
  if (owner.address() == self->address())
    return todo_api{route(user)};
  // The sender's node thought we own it; ownership is moving. It retries
  // with a newer table rather than have messages bounce between nodes.
  auto sender = self->current_sender();
  if (sender != nullptr && sender->node() != self->node())
    return make_retry_error(
      ec::unavailable, "",
      "partition " + std::to_string(p) + " is moving to another node", 1);
  count_message(*settings.messages, actor_kind::user_directory, self);
  return caf::actor_cast<todo_api>(owner);
}

void user_directory_state::reroute(routing_table table) {
  if (!settings.clustered)
    return;
  auto size = static_cast<size_t>(std::max(table.partitions, 0));
  if (table.partitions < 0 || table.owners.size() != size
      || table.epochs.size() != size)
    table = routing_table{};
  routes = std::move(table);
  // Lists whose partition went elsewhere (or was claimed again) stop: their
  // sessions subscribe again (to the new owner) and the owner loads the
  // user from the shared store.
  for (auto i = users.begin(); i != users.end();) {
    auto p = routes.partitions > 0
               ? domain::partition_of(i->first, routes.partitions)
               : -1;
    auto k = static_cast<size_t>(p);
    auto owner = p >= 0 ? routes.owners[k] : caf::actor{};
    if (owner && owner.address() == self->address()
        && routes.epochs[k] == i->second.epoch) {
      ++i;
      continue;
    }
    // Not an exit: that would take its sessions down too.
    self->demonitor(i->second.handle.address());
    self->send(i->second.handle, atom::passivate::value);
    stats->resident.add(-1);
    i = users.erase(i);
  }
  // The scheduler keeps the reminders of this node's partitions.
  std::vector<int64_t> mine(routes.owners.size(), 0);
  for (size_t k = 0; k < mine.size(); ++k)
    if (routes.owners[k] && routes.owners[k].address() == self->address())
      mine[k] = routes.epochs[k];
  if (settings.scheduler && mine != scheduled_epochs) {
    scheduled_epochs = mine;
    self->send(settings.scheduler, atom::owners::value, std::move(mine));
  }
}

bool user_directory_state::idle(const std::string& user, uint64_t handled,
                                const caf::actor_addr& reporter) {
  auto i = users.find(user);
  if (i == users.end() || i->second.handle.address() != reporter)
    return false;
  // Only when the todo_list has handled everything routed to it: nothing
  // is in its mailbox, and after `erase` nothing new can reach it.
  if (i->second.routed != handled)
    return false;
  self->send(i->second.handle, atom::passivate::value);
  self->demonitor(i->second.handle.address());
  users.erase(i);
  ++passivated;
  stats->passivated.add();
  stats->resident.add(-1);
  schedule_trim();
  return true;
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

void user_directory_state::stop(const caf::error& reason) {
  fail_relayed(caf::node_id{},
               make_retry_error(ec::unavailable, "",
                                "this node is shutting down; retry (with the "
                                "same Idempotency-Key)",
                                1));
  for (auto& kvp : users)
    self->send_exit(kvp.second.handle, reason);
  stats->resident.add(-static_cast<int64_t>(users.size()));
  users.clear();
  self->quit(reason);
}

void user_directory_state::track(const std::string& user,
                                 const session_actor& session) {
  // Sessions of other nodes are counted by their own directory.
  if (!settings.clustered || !session || session.node() != self->node())
    return;
  if (!session_users.emplace(session.address(), user).second)
    return; // Subscribing again (its list moved).
  ++present[user];
  self->monitor(session);
}

void user_directory_state::watch(const todo_api& owner) {
  if (watched_owners.insert(owner.address()).second)
    self->monitor(owner);
}

void user_directory_state::fail_relayed(const caf::node_id& node,
                                        const caf::error& err) {
  std::vector<std::function<void(caf::error)>> failed;
  for (auto i = relayed.begin(); i != relayed.end();) {
    if (node && i->second.node != node) {
      ++i;
      continue;
    }
    failed.push_back(std::move(i->second.fail));
    i = relayed.erase(i);
  }
  for (auto& fail : failed)
    fail(err);
}

void user_directory_state::forget(const caf::actor_addr& list) {
  if (watched_owners.erase(list) > 0) {
    // A reconnect that raced this message may get a spurious 503 for a
    // request the new link carries: clients retry.
    fail_relayed(
      list.node(),
      make_retry_error(ec::unavailable, "",
                       "the node that owns this user went away while it "
                       "handled the request (it may have been applied: retry "
                       "it, with the same Idempotency-Key)",
                       1));
    return;
  }
  if (auto s = session_users.find(list); s != session_users.end()) {
    auto i = present.find(s->second);
    if (i != present.end() && --i->second <= 0)
      present.erase(i);
    session_users.erase(s);
    return;
  }
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
  // Cluster mode: the owning node's directory knows.
  if (settings.clustered && routes.partitions > 0) {
    auto p = domain::partition_of(user, routes.partitions);
    auto& owner = routes.owners[static_cast<size_t>(p)];
    auto sender = self->current_sender();
    if (owner && owner.address() != self->address()
        && (sender == nullptr || sender->node() == self->node()))
      return self->delegate(caf::actor_cast<user_directory_actor>(owner),
                            atom::summary::value, user);
  }
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

template<class Delegated>
struct result_of;

template<class... Rs>
struct result_of<caf::delegated<Rs...>> {
  using type = caf::result<Rs...>;
};

/// How long past `--request-timeout` a relayed request may stay unanswered
/// here (its client has given up by then; an owner stopped with SIGSTOP
/// keeps its link up and sends no down message).
constexpr caf::timespan relay_grace = std::chrono::seconds(5);

/// Asks `owner`, the directory of another node, and answers the request
/// being handled with its reply. A delegation would hand the request over
/// for good; relayed, it stays known here, so that when the owner's node
/// goes away meanwhile (`forget`) the client gets a 503 at once rather than
/// waiting for its timeout.
template<class Delegated>
struct relay;

template<class... Rs>
struct relay<caf::delegated<Rs...>> {
  template<class... Xs>
  static caf::result<Rs...>
  to(directory_ptr self, const todo_api& owner, Xs&&... xs) {
    auto rp = self->make_response_promise<Rs...>();
    auto& st = self->state;
    auto id = ++st.relays;
    st.watch(owner);
    st.relayed.emplace(id, user_directory_state::relayed_request{
                             owner.node(), [rp](caf::error err) mutable {
                               rp.deliver(std::move(err));
                             }});
    // Whichever comes first answers: the reply, or the node going away.
    auto settle = [self, id] { return self->state.relayed.erase(id) > 0; };
    self
      ->request(owner, st.settings.request_timeout + relay_grace,
                std::forward<Xs>(xs)...)
      .then(
        [settle, rp](Rs&... ys) mutable {
          if (settle())
            rp.deliver(std::move(ys)...);
        },
        [settle, rp](caf::error& err) mutable {
          if (settle())
            rp.deliver(std::move(err));
        });
    return rp;
  }
};

/// A handler that forwards `(Atom, user, xs...)` to the user's todo_list,
/// which answers the original sender, or relays it to the owning node.
template<class Atom, class... Ts>
auto routed(directory_ptr self) {
  using delegated = decltype(self->delegate(
    std::declval<todo_api>(), std::declval<Atom>(), std::declval<std::string>(),
    std::declval<Ts>()...));
  using result = typename result_of<delegated>::type;
  return [self](Atom x, std::string& user, Ts&... xs) -> result {
    if constexpr (std::is_same_v<Atom, atom::subscribe>)
      self->state.track(user, xs...);
    auto hdl = self->state.target(user);
    if (!hdl)
      return std::move(hdl.error());
    // A subscription stays delegated: the session watches whoever answers
    // it (the list) and subscribes again when that goes away.
    if constexpr (!std::is_same_v<Atom, atom::subscribe>)
      if (hdl->node() != self->node())
        return relay<delegated>::to(self, *hdl, x, std::move(user),
                                    std::move(xs)...);
    return self->delegate(*hdl, x, std::move(user), std::move(xs)...);
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
  st.list_settings = std::make_shared<const todo_list_settings>(st.settings);
  st.stats = std::move(stats);
  // todo_lists are monitored, not linked: one failing todo_list never
  // takes the directory down.
  self->set_exit_handler(
    [self](caf::exit_msg& msg) { self->state.stop(msg.reason); });
  self->set_down_handler(
    [self](caf::down_msg& dm) { self->state.forget(dm.source); });
  return {
    [self](command& cmd) -> caf::result<command_outcome> {
      auto hdl = self->state.target(cmd.user_id);
      if (!hdl)
        return std::move(hdl.error());
      if (hdl->node() != self->node())
        return relay<caf::delegated<command_outcome>>::to(self, *hdl,
                                                          std::move(cmd));
      return self->delegate(*hdl, std::move(cmd));
    },
    routed<atom::wake, std::string>(self),
    routed<atom::list, domain::query>(self),
    routed<atom::get, std::string>(self),
    routed<atom::projects>(self),
    routed<atom::notices, bool, int32_t>(self),
    routed<atom::status, std::string>(self),
    routed<atom::subscribe, session_actor>(self),
    routed<atom::occurs, std::string, int32_t>(self),
    routed<atom::preview, domain::preview_request>(self),
    [self](atom::frame, std::string& user, shared_frame& frame) {
      // Loads the list when it is not resident: its sessions are the
      // user's, and a job's progress frames come while it applies
      // commands anyway.
      if (auto hdl = self->state.target(user))
        self->send(*hdl, atom::frame::value, std::move(user), std::move(frame));
    },
    [self](atom::summary, const std::string& user) {
      return self->state.summary(user);
    },
    [self](atom::idle, const std::string& user, uint64_t handled) {
      auto sender = self->current_sender();
      return self->state.idle(user, handled,
                              sender ? sender->address() : caf::actor_addr{});
    },
    [self](atom::trim) { self->state.trim(); },
    [self](atom::owners, routing_table& table) {
      self->state.reroute(std::move(table));
    },
    [self](atom::presence) { return self->state.present; },
  };
}

} // namespace actodo::actors
