#include "actors/todo_list.hpp"

#include "caf/event_based_actor.hpp"
#include "caf/typed_actor_view.hpp"
#include <nlohmann/json.hpp>

#include "actors/actor_stats.hpp"
#include "actors/domain/query.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"
#include "actors/problem.hpp"
#include "actors/recurrence.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

/// Rebuilds the reply of a finished command from its stored outcome.
reply from_record(const persistence::request_record& rec) {
  reply r;
  r.status = rec.status;
  r.body = rec.body == "null" ? std::string{} : rec.body;
  r.request_id = rec.request_id;
  r.state = rec.state;
  r.replayed = true;
  if (rec.status == 200 || rec.status == 201) {
    auto doc = nlohmann::json::parse(rec.body, nullptr, false);
    if (doc.is_object()) {
      r.todo_id = doc.value("id", "");
      r.version = doc.value("version", int64_t{0});
    }
  }
  return r;
}

} // namespace

void todo_list_state::on_routed() {
  ++routed;
  count_message(*settings.stats, config::actor_kind::todo_list, self);
}

void todo_list_state::touch() {
  last_active = self->clock().now();
}

caf::result<reply> todo_list_state::handle(command& cmd) {
  touch();
  // A redelivered keyed command (Kafka: same id) joins its pending original
  // below instead of being refused as in progress.
  auto joins = !cmd.idempotency_key.empty()
               && pending_keys.count(cmd.idempotency_key) > 0;
  if (!joins && pending.count(cmd.request_id) > 0)
    return problem_reply(409, "request " + cmd.request_id + " is in progress",
                         "request_id");
  // A promise takes over the reply: create it only once we answer later.
  if (cmd.idempotency_key.empty()) {
    auto rp = self->make_response_promise<reply>();
    execute(cmd, rp);
    return rp;
  }
  auto fp = command_fingerprint(cmd);
  if (auto k = pending_keys.find(cmd.idempotency_key);
      k != pending_keys.end()) {
    auto& f = pending[k->second];
    if (f.fingerprint != fp)
      return problem_reply(422, "Idempotency-Key was used for another request",
                           "Idempotency-Key");
    auto rp = self->make_response_promise<reply>();
    f.waiters.push_back(rp);
    return rp;
  }
  auto rp = self->make_response_promise<reply>();
  // Awaiting keeps later commands of this user behind this one.
  ++lookups;
  self
    ->request(journal, settings.request_timeout, atom::idempotent::value,
              todos.user_id, cmd.idempotency_key)
    .await(
      [this, cmd, fp, rp](std::vector<persistence::request_record>& found) {
        --lookups;
        auto promise = rp;
        if (found.empty()) {
          auto copy = cmd;
          execute(copy, promise);
        } else if (found.front().fingerprint != fp) {
          promise.deliver(
            problem_reply(422, "Idempotency-Key was used for another request",
                          "Idempotency-Key"));
        } else {
          promise.deliver(from_record(found.front()));
        }
      },
      [this, rp](caf::error& err) {
        --lookups;
        auto promise = rp;
        promise.deliver(std::move(err));
      });
  return rp;
}

void todo_list_state::execute(command& cmd,
                              caf::typed_response_promise<reply> rp) {
  auto now = settings.clock();
  // The next occurrence goes into the same batch as the completion: exactly
  // one per completion, also across retries and crashes. Computed here, so
  // the expansion is charged to this user; at the cap it is not needed.
  auto before = successor_needed(todos, cmd, now);
  successor_plan plan;
  if (!before || todos.by_id.size() >= settings.max_todos
      || !expander.may_start(false)) {
    // Not needed, at the cap, or this user's own expansions are still
    // running (only pathological rules take that long): no next one.
    plan.computed = before.has_value();
    if (before && todos.by_id.size() < settings.max_todos)
      plan.end_reason = "budget";
    return run(cmd, rp, now, plan);
  }
  auto out = std::make_shared<successor_plan>();
  auto budget = settings.recurrence_budget;
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
             settings.stats->occurrences_generated.add();
           run(cmd, rp, now, *out);
         });
}

void todo_list_state::run(command& cmd, caf::typed_response_promise<reply> rp,
                          int64_t now_ms, const successor_plan& plan) {
  auto out = apply_command(todos, cmd, now_ms, settings.max_todos, plan);
  auto id = cmd.request_id;
  auto& batch = out.batch;
  if (batch.events.empty() && batch.todos.empty()
      && batch.request.request_id.empty()) {
    // A wake that found nothing due: tell the scheduler where things are.
    if (settings.scheduler)
      if (auto i = todos.by_id.find(cmd.todo_id); i != todos.by_id.end()) {
        auto at = domain::wake_at(i->second);
        self->send(settings.scheduler, atom::schedule::value, todos.user_id,
                   cmd.todo_id, at, at);
      }
    rp.deliver(std::move(out.result));
    return;
  }
  auto& f = pending[id];
  f.result = std::move(out.result);
  for (auto& ev : batch.events)
    f.event_frames.emplace_back(event_frame(ev.json));
  for (auto& frame : out.reminder_frames)
    f.event_frames.emplace_back(std::move(frame));
  f.wakes = std::move(out.wakes);
  f.fired = std::move(out.fired);
  f.internal = cmd.op == command_op::wake;
  f.waiters.push_back(std::move(rp));
  if (!cmd.idempotency_key.empty()) {
    f.idempotency_key = cmd.idempotency_key;
    f.fingerprint = batch.request.fingerprint;
    pending_keys.emplace(cmd.idempotency_key, id);
  }
  self
    ->request(journal, 2 * settings.request_timeout, atom::append::value,
              std::move(batch))
    .then([this, id](int64_t last_seq) { committed(id, last_seq); },
          [this](caf::error& err) { failed(err); });
}

void todo_list_state::expand(std::function<void()> job, bool await,
                             std::function<void(bool)> done) {
  if (settings.inline_expansions) {
    job();
    return done(true);
  }
  std::shared_ptr<expansion_job> state;
  auto worker = expander.start(self, std::move(job), state);
  if (!worker)
    return done(false);
  auto handle = self->request(worker, settings.recurrence_time_limit,
                              atom::expand_v);
  auto on_done = [done](atom::expand) { done(true); };
  auto on_timeout = [done, state](caf::error&) {
    expansion_runner::abandon(*state);
    done(false);
  };
  if (await)
    handle.await(on_done, on_timeout);
  else
    handle.then(on_done, on_timeout);
}

caf::result<reply> todo_list_state::bounded(std::function<reply()> fn,
                                            std::string_view field) {
  if (!expander.may_start(true))
    return problem_reply(
      429, "an earlier expansion of this user is still running", field);
  auto rp = self->make_response_promise<reply>();
  auto out = std::make_shared<std::optional<reply>>();
  auto limit = settings.recurrence_time_limit.count();
  expand([fn = std::move(fn), out] { *out = fn(); }, false,
         [rp, out, limit, field = std::string{field}](bool finished) mutable {
           if (finished && *out)
             rp.deliver(std::move(**out));
           else
             rp.deliver(
               problem_reply(422,
                             "the rule takes longer than the time budget of "
                               + std::to_string(limit) + " ms to expand",
                             field));
         });
  return rp;
}

caf::result<reply> todo_list_state::occurrences(const std::string& id,
                                                int32_t limit) {
  auto i = todos.by_id.find(id);
  if (i == todos.by_id.end())
    return problem_reply(404, "no todo with id " + id, "id");
  auto budget = settings.recurrence_budget;
  return bounded([t = i->second, limit,
                  budget] { return occurrences_reply(t, limit, budget); },
                 "recurrence/rrule");
}

caf::result<reply>
todo_list_state::preview(const std::vector<std::string>& params) {
  touch();
  auto budget = settings.recurrence_budget;
  std::string_view field = "rrule";
  for (size_t i = 0; i + 1 < params.size(); i += 2)
    if (params[i] == "preset")
      field = "preset";
  return bounded([params, budget] { return preview_reply(params, budget); },
                 field);
}

void todo_list_state::committed(const std::string& request_id,
                                int64_t last_seq) {
  auto i = pending.find(request_id);
  if (i == pending.end())
    return;
  auto& f = i->second;
  committed_seq = std::max(committed_seq, last_seq);
  auto result = result_frame(f.result);
  for (auto& session : sessions) {
    if (!f.internal)
      self->send(session, atom::frame::value, result);
    for (auto& frame : f.event_frames)
      self->send(session, atom::frame::value, frame);
  }
  for (auto& rp : f.waiters)
    rp.deliver(f.result);
  if (settings.scheduler) {
    for (auto& w : f.wakes)
      self->send(settings.scheduler, atom::schedule::value, todos.user_id,
                 w.todo_id, w.before, w.at);
    auto now = settings.clock();
    for (auto scheduled : f.fired)
      self->send(settings.scheduler, atom::fired::value, now - scheduled);
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
  for (auto& session : sessions)
    self->send_exit(session, err);
  sessions.clear();
  self->quit(err);
}

reply todo_list_state::list(const std::vector<std::string>& params) const {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i + 1 < params.size(); i += 2)
    pairs.emplace_back(params[i], params[i + 1]);
  domain::query q;
  if (auto err = domain::parse_query(pairs, q))
    return problem_reply(400, err->detail, err->field);
  std::vector<const domain::todo*> all;
  all.reserve(todos.by_id.size());
  for (auto& kvp : todos.by_id)
    all.push_back(&kvp.second);
  auto result = domain::run_query(q, all);
  if (auto err = std::get_if<domain::field_error>(&result))
    return problem_reply(400, err->detail, err->field);
  auto& pg = std::get<domain::page>(result);
  auto items = nlohmann::json::array();
  for (auto t : pg.items)
    items.push_back(domain::to_json(*t));
  nlohmann::json doc{{"items", std::move(items)}, {"next_cursor", nullptr}};
  if (!pg.next_cursor.empty())
    doc["next_cursor"] = pg.next_cursor;
  reply r;
  r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

reply todo_list_state::get(const std::string& id) const {
  auto i = todos.by_id.find(id);
  if (i == todos.by_id.end())
    return problem_reply(404, "no todo with id " + id, "id");
  reply r;
  r.body = domain::to_json(i->second).dump(
    -1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.todo_id = id;
  r.version = i->second.version;
  return r;
}

caf::result<reply> todo_list_state::status(const std::string& request_id) {
  if (auto i = pending.find(request_id); i != pending.end()) {
    persistence::request_record rec;
    rec.request_id = request_id;
    rec.state = "pending";
    rec.body = "null";
    reply r;
    r.body = request_status_body(rec);
    r.request_id = request_id;
    r.state = "pending";
    return r;
  }
  auto rp = self->make_response_promise<reply>();
  ++lookups;
  self
    ->request(journal, settings.request_timeout, atom::find::value,
              todos.user_id, request_id)
    .then(
      [this, rp, request_id](std::vector<persistence::request_record>& found) {
        --lookups;
        auto promise = rp;
        if (found.empty()) {
          promise.deliver(
            problem_reply(404, "no request with id " + request_id, "id"));
          return;
        }
        reply r;
        r.body = request_status_body(found.front());
        r.request_id = request_id;
        r.state = found.front().state;
        promise.deliver(std::move(r));
      },
      [this, rp](caf::error& err) {
        --lookups;
        auto promise = rp;
        promise.deliver(std::move(err));
      });
  return rp;
}

caf::result<int64_t> todo_list_state::subscribe(session_actor session) {
  touch();
  if (sessions.size() >= settings.max_sessions)
    return caf::make_error(ec::limit_exceeded,
                           "more than " + std::to_string(settings.max_sessions)
                             + " sessions");
  self->monitor(session);
  sessions.push_back(std::move(session));
  return committed_seq;
}

std::string todo_list_state::summary() const {
  size_t open = 0;
  auto reminders = nlohmann::json::array();
  for (auto& kvp : todos.by_id) {
    auto& t = kvp.second;
    open += t.completed ? 0 : 1;
    for (size_t n = 0; n < t.reminders.size() && !t.completed; ++n)
      if (auto at = domain::reminder_instant(t, t.reminders[n]))
        reminders.push_back({{"todo", t.id},
                             {"reminder", n},
                             {"at", domain::format_rfc3339_ms(*at)}});
  }
  std::sort(reminders.begin(), reminders.end(),
            [](auto& x, auto& y) { return x["at"] < y["at"]; });
  nlohmann::json doc{
    {"user", todos.user_id},           {"resident", true},
    {"todos", todos.by_id.size()},     {"open", open},
    {"last_sequence", todos.last_seq}, {"committed_sequence", committed_seq},
    {"sessions", sessions.size()},     {"pending_commands", pending.size()},
    {"handled_messages", routed},      {"pending_reminders", reminders}};
  return doc.dump();
}

void todo_list_state::tick() {
  auto idle = self->clock().now() - last_active >= settings.idle_timeout;
  if (idle && sessions.empty() && pending.empty() && lookups == 0)
    self->send(directory, atom::idle::value, todos.user_id, routed);
  self->delayed_send(self, settings.idle_timeout, atom::tick::value);
}

todo_list_actor::behavior_type
todo_list(todo_list_actor::stateful_pointer<todo_list_state> self,
          std::string user_id, user_directory_actor directory,
          journal_actor journal, todo_list_settings settings) {
  auto& st = self->state;
  st.self = self;
  st.todos.user_id = user_id;
  st.directory = std::move(directory);
  st.journal = journal;
  st.settings = settings;
  if (!st.settings.stats)
    st.settings.stats = std::make_shared<config::metrics>();
  st.touch();
  // Killed (shutdown or failure elsewhere): nobody waits forever.
  self->set_exit_handler(
    [self](caf::exit_msg& msg) { self->state.failed(msg.reason); });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& xs = self->state.sessions;
    xs.erase(std::remove_if(xs.begin(), xs.end(),
                            [&](const session_actor& x) {
                              return x.address() == dm.source;
                            }),
             xs.end());
    self->state.touch();
  });
  // Until the snapshot arrives, every other message waits in the mailbox.
  self->request(journal, settings.request_timeout, atom::load::value, user_id)
    .await(
      [self](persistence::user_snapshot& snap) {
        auto& st = self->state;
        for (auto& text : snap.todos) {
          auto t = domain::todo_from_json(nlohmann::json::parse(text));
          auto id = t.id;
          st.todos.by_id.emplace(std::move(id), std::move(t));
        }
        st.todos.last_seq = snap.last_seq;
        st.committed_seq = snap.last_seq;
        st.loaded = true;
      },
      [self](caf::error& err) { self->quit(err); });
  self->delayed_send(self, settings.idle_timeout, atom::tick::value);
  return {
    [self](command& cmd) -> caf::result<reply> {
      self->state.on_routed();
      return self->state.handle(cmd);
    },
    [self](atom::list, const std::string&,
           const std::vector<std::string>& params) {
      self->state.on_routed();
      return self->state.list(params);
    },
    [self](atom::get, const std::string&, const std::string& id) {
      self->state.on_routed();
      return self->state.get(id);
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
           const std::vector<std::string>& params) {
      self->state.on_routed();
      return self->state.preview(params);
    },
    [self](atom::summary, const std::string&) { return self->state.summary(); },
    [self](atom::tick) { self->state.tick(); },
    [self](atom::passivate) { self->quit(); },
  };
}

} // namespace actodo::actors
