#include "actors/todo_list.hpp"

#include "caf/event_based_actor.hpp"
#include "caf/typed_actor_view.hpp"

#include "actors/domain/query.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"
#include "actors/record_codec.hpp"
#include "actors/recurrence.hpp"
#include "config/error.hpp"

namespace actodo::actors {

caf::result<command_outcome> todo_list_state::handle(command& cmd) {
  touch();
  // A redelivered keyed command (Kafka: same id) joins its pending original
  // below instead of being refused as in progress.
  auto joins = !cmd.idempotency_key.empty()
               && pending_keys.count(cmd.idempotency_key) > 0;
  if (!joins && pending.count(cmd.request_id) > 0) {
    command_outcome refused;
    refused.code = outcome_code::in_progress;
    refused.field = "request_id";
    refused.detail = "request " + cmd.request_id + " is in progress";
    return refused;
  }
  if (!cmd.idempotency_key.empty())
    return keyed(cmd);
  // A promise takes over the reply: create it only once we answer later.
  auto rp = self->make_response_promise<command_outcome>();
  execute(cmd, rp);
  return rp;
}

caf::result<command_outcome> todo_list_state::wake(const std::string& todo_id) {
  command cmd;
  cmd.user_id = todos.user_id;
  cmd.todo_id = todo_id;
  cmd.op = command_op::wake;
  // `~` never appears in client request ids.
  cmd.request_id = "~wake-" + std::to_string(++wakes_sent);
  auto rp = self->make_response_promise<command_outcome>();
  execute(cmd, rp);
  return rp;
}

caf::result<command_outcome> todo_list_state::keyed(command& cmd) {
  auto reused = [] {
    command_outcome refused;
    refused.code = outcome_code::key_reused;
    refused.field = "Idempotency-Key";
    refused.detail = "Idempotency-Key was used for another request";
    return refused;
  };
  auto fp = command_fingerprint(cmd);
  if (auto k = pending_keys.find(cmd.idempotency_key);
      k != pending_keys.end()) {
    auto& f = pending[k->second];
    if (f.fingerprint != fp)
      return reused();
    auto rp = self->make_response_promise<command_outcome>();
    f.waiters.push_back(rp);
    return rp;
  }
  auto rp = self->make_response_promise<command_outcome>();
  if (cmd.fresh_key) {
    // Nothing to find: skip the lookup (and the commit it forces).
    execute(cmd, rp);
    return rp;
  }
  // Awaiting keeps later commands of this user behind this one.
  ++lookups;
  self
    ->request(journal, settings->request_timeout, atom::idempotent::value,
              todos.user_id.str(), cmd.idempotency_key)
    .await(
      [this, cmd, fp, rp,
       reused](std::vector<persistence::request_record>& found) mutable {
        --lookups;
        if (found.empty())
          execute(cmd, rp);
        else if (!same_command(found.front().fingerprint, cmd))
          rp.deliver(reused());
        else
          rp.deliver(records::outcome_of(found.front()));
      },
      [this, rp](caf::error& err) mutable {
        --lookups;
        rp.deliver(std::move(err));
      });
  return rp;
}

void todo_list_state::execute(command& cmd, promise rp) {
  auto now = settings->clock();
  // The next occurrence goes into the same batch as the completion: exactly
  // one per completion, also across retries and crashes. Computed here, so
  // the expansion is charged to this user; at the cap it is not needed.
  auto before = successor_needed(todos, cmd, now);
  successor_plan plan;
  if (!before || todos.by_id.size() >= settings->max_todos
      || !expander.may_start(false)) {
    // Not needed, at the cap, or this user's own expansions are still
    // running (only pathological rules take that long): no next one.
    plan.computed = before.has_value();
    if (before && todos.by_id.size() < settings->max_todos)
      plan.end_reason = "budget";
    return run(cmd, rp, now, plan);
  }
  auto out = std::make_shared<successor_plan>();
  auto budget = settings->recurrence_budget;
  expand([t = std::move(*before), now, budget,
          out] { *out = plan_successor(t, now, budget); },
         true,
         [this, cmd, rp, now, out](bool finished) mutable {
           if (!finished || !out->computed) {
             out->computed = true;
             out->next.reset();
             out->end_reason = "budget";
           }
           if (out->next)
             settings->recurrences->occurrences_generated.add();
           run(cmd, rp, now, *out);
         });
}

void todo_list_state::run(command& cmd, promise rp, int64_t now_ms,
                          const successor_plan& plan) {
  auto out = apply_command(todos, cmd, now_ms, settings->max_todos, plan);
  if (indexes)
    reindex(out.batch.todos);
  auto id = cmd.request_id;
  auto& batch = out.batch;
  if (batch.events.empty() && batch.todos.empty()
      && batch.request.request_id.empty()) {
    // A wake that found nothing due: tell the scheduler where things are.
    if (settings->scheduler)
      if (auto i = todos.by_id.find(cmd.todo_id); i != todos.by_id.end()) {
        auto at = domain::wake_at(i->second);
        self->send(settings->scheduler, atom::schedule::value,
                   todos.user_id.str(), cmd.todo_id, at, at);
      }
    rp.deliver(std::move(out.result));
    return;
  }
  auto& f = pending[id];
  f.result = std::move(out.result);
  // Encoded once here, shared by every session.
  if (!is_internal(cmd.op))
    f.result_frame = shared_frame{records::result_frame(batch.request)};
  for (auto& ev : batch.events)
    f.event_frames.emplace_back(records::event_frame(ev), ev.seq);
  for (auto& frame : out.reminder_frames)
    f.event_frames.emplace_back(std::move(frame));
  if (out.unread_changed) {
    auto* latest = out.noticed ? &todos.notifications.back() : nullptr;
    f.event_frames.emplace_back(
      records::notifications_frame(todos.unread(), latest));
  }
  f.wakes = std::move(out.wakes);
  f.fired = std::move(out.fired);
  f.waiters.push_back(std::move(rp));
  if (!cmd.idempotency_key.empty()) {
    f.idempotency_key = cmd.idempotency_key;
    f.fingerprint = batch.request.fingerprint;
    pending_keys.emplace(cmd.idempotency_key, id);
  }
  batch.fence = fence;
  self
    ->request(journal, 2 * settings->request_timeout, atom::append::value,
              std::move(batch))
    .then([this, id](int64_t last_seq) { committed(id, last_seq); },
          [this](caf::error& err) { failed(err); });
}

void todo_list_state::broadcast(const shared_frame& frame) {
  // One message for all sessions: each gets a reference to the same text.
  auto msg = caf::make_message(atom::frame::value, frame);
  for (auto& session : sessions)
    caf::anon_send(caf::actor_cast<caf::actor>(session), msg);
}

void todo_list_state::committed(const std::string& request_id,
                                int64_t last_seq) {
  auto i = pending.find(request_id);
  if (i == pending.end())
    return;
  auto& f = i->second;
  committed_seq = std::max(committed_seq, last_seq);
  if (f.result_frame.text)
    broadcast(f.result_frame);
  for (auto& frame : f.event_frames)
    broadcast(frame);
  for (auto& rp : f.waiters)
    rp.deliver(f.result);
  if (settings->scheduler) {
    for (auto& w : f.wakes)
      self->send(settings->scheduler, atom::schedule::value,
                 todos.user_id.str(), w.todo_id, w.before, w.at);
    auto now = settings->clock();
    for (auto scheduled : f.fired)
      self->send(settings->scheduler, atom::fired::value, now - scheduled);
  }
  if (!f.idempotency_key.empty())
    pending_keys.erase(f.idempotency_key);
  pending.erase(i);
  touch();
}

void todo_list_state::failed(const caf::error& err) {
  // The in-memory state ran ahead of the store: answer everyone and start
  // over from the store (the directory spawns a fresh instance on demand).
  for (auto& kvp : pending)
    for (auto& rp : kvp.second.waiters)
      rp.deliver(err);
  pending.clear();
  pending_keys.clear();
  // Sessions lost their stream: they close their sockets, clients resume.
  // A fenced list only goes away: its sessions subscribe again, to the
  // partition's new owner.
  if (err != ec::fenced)
    for (auto& session : sessions)
      self->send_exit(session, err);
  sessions.clear();
  self->quit(err);
}

void todo_list_state::reindex(
  const std::vector<persistence::todo_record>& changed) {
  for (auto& rec : changed) {
    auto i = todos.by_id.find(rec.id);
    if (i == todos.by_id.end())
      indexes->erase(rec.id);
    else
      indexes->put(i->second);
  }
}

todo_list_actor::behavior_type
todo_list(todo_list_actor::stateful_pointer<todo_list_state> self,
          std::string user_id, user_directory_actor directory,
          journal_actor journal,
          std::shared_ptr<const todo_list_settings> settings,
          persistence::partition_fence fence) {
  self->state.todos.user_id = std::move(user_id);
  self->state.start(self, std::move(directory), std::move(journal),
                    std::move(settings), fence);
  // Killed (shutdown or failure elsewhere): nobody waits forever.
  self->set_exit_handler(
    [self](caf::exit_msg& msg) { self->state.failed(msg.reason); });
  self->set_down_handler(
    [self](caf::down_msg& dm) { self->state.drop_session(dm.source); });
  return {
    [self](command& cmd) -> caf::result<command_outcome> {
      self->state.on_routed();
      return self->state.handle(cmd);
    },
    [self](atom::wake, const std::string&, const std::string& todo_id) {
      self->state.on_routed();
      return self->state.wake(todo_id);
    },
    [self](atom::list, const std::string&, const domain::query& q) {
      self->state.on_routed();
      return self->state.list(q);
    },
    [self](atom::get, const std::string&, const std::string& id) {
      self->state.on_routed();
      return self->state.get(id);
    },
    [self](atom::projects, const std::string&) {
      self->state.on_routed();
      return self->state.profile();
    },
    [self](atom::notices, const std::string&, bool unread, int32_t limit) {
      self->state.on_routed();
      return self->state.notices(unread, limit);
    },
    [self](atom::status, const std::string&, const std::string& id) {
      self->state.on_routed();
      return self->state.status(id);
    },
    [self](atom::subscribe, const std::string&, session_actor& session) {
      self->state.on_routed();
      return self->state.subscribe(std::move(session));
    },
    [self](atom::occurs, const std::string&, const std::string& id,
           int32_t limit) {
      self->state.on_routed();
      return self->state.occurrences(id, limit);
    },
    [self](atom::preview, const std::string&,
           const domain::preview_request& req) {
      self->state.on_routed();
      return self->state.preview(req);
    },
    [self](atom::frame, const std::string&, const shared_frame& frame) {
      self->state.on_routed();
      self->state.broadcast(frame);
    },
    [self](atom::summary, const std::string&) { return self->state.summary(); },
    [self](atom::tick) { self->state.tick(); },
    [self](atom::passivate) { self->quit(); },
  };
}

} // namespace actodo::actors
