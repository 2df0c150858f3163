// The todo_list's life: start and load, sessions, and the idle check that
// leads to passivation (see actors/README.md, "Passivation").

#include <algorithm>
#include <iostream>

#include "actors/record_codec.hpp"
#include "actors/todo_list.hpp"
#include "config/error.hpp"

namespace actodo::actors {

void todo_list_state::on_routed() {
  ++routed;
  count_message(*settings->messages, actor_kind::todo_list, self);
}

void todo_list_state::touch() {
  last_active = self->clock().now();
}

caf::result<int64_t> todo_list_state::subscribe(session_actor session) {
  touch();
  if (sessions.size() >= settings->max_sessions)
    return caf::make_error(ec::limit_exceeded,
                           "more than " + std::to_string(settings->max_sessions)
                             + " sessions");
  self->monitor(session);
  // After the welcome (the session handles frames only once subscribed):
  // how many notifications wait unread, if any.
  if (auto n = todos.unread(); n > 0)
    self->send(session, atom::frame::value,
               shared_frame{records::notifications_frame(n, nullptr)});
  sessions.push_back(std::move(session));
  return committed_seq;
}

void todo_list_state::tick() {
  auto idle = self->clock().now() - last_active >= settings->idle_timeout;
  if (!idle || !sessions.empty() || !pending.empty() || lookups != 0) {
    arm_tick();
    return;
  }
  // No tick is armed while the directory decides: a delayed message holds a
  // strong reference to its receiver, so a tick armed now would keep this
  // actor's memory for one more idle period after it quit.
  self
    ->request(directory, settings->request_timeout, atom::idle::value,
              todos.user_id.str(), routed)
    .then(
      [this](bool passivating) {
        if (!passivating)
          arm_tick();
      },
      [this](caf::error&) { arm_tick(); });
}

void todo_list_state::arm_tick() {
  self->delayed_send(self, settings->idle_timeout, atom::tick::value);
}

void todo_list_state::load(persistence::user_snapshot& snap) {
  todos.max_projects = settings->max_projects;
  todos.recurrence_budget = settings->recurrence_budget;
  todos.max_notifications = settings->max_notifications;
  for (auto& text : snap.todos) {
    auto row = records::decode_row(text);
    if (!row) {
      // A row this binary cannot read: serving the user without it would
      // lose it at the next write. Stop and say why.
      std::cerr << "actodo: todo_list " << todos.user_id
                << ": cannot load a stored row: " << describe(row.error())
                << '\n';
      self->quit(row.error());
      return;
    }
    if (auto* p = std::get_if<domain::project>(&*row)) {
      auto id = p->id.str();
      todos.projects.insert_or_assign(std::move(id), std::move(*p));
    } else if (auto* s = std::get_if<records::user_settings>(&*row)) {
      todos.time_zone = s->time_zone;
      todos.read_up_to = s->read_up_to;
    } else if (auto* n = std::get_if<domain::notification>(&*row)) {
      todos.notifications.push_back(std::move(*n));
    } else {
      todos.put(std::move(std::get<domain::todo>(*row)));
    }
  }
  todos.last_seq = snap.last_seq;
  committed_seq = snap.last_seq;
  loaded = true;
}

void todo_list_state::drop_session(const caf::actor_addr& addr) {
  sessions.erase(
    std::remove_if(sessions.begin(), sessions.end(),
                   [&](const session_actor& x) { return x.address() == addr; }),
    sessions.end());
  touch();
}

void todo_list_state::start(todo_list_actor::pointer ptr,
                            user_directory_actor dir, journal_actor jnl,
                            std::shared_ptr<const todo_list_settings> cfg,
                            persistence::partition_fence partition) {
  self = ptr;
  directory = std::move(dir);
  journal = std::move(jnl);
  settings = std::move(cfg);
  fence = partition;
  touch();
  // Until the snapshot arrives, every other message waits in the mailbox.
  self
    ->request(journal, settings->request_timeout, atom::load::value,
              todos.user_id.str())
    .await([this](persistence::user_snapshot& snap) { load(snap); },
           [this](caf::error& err) { self->quit(err); });
  arm_tick();
}

} // namespace actodo::actors
