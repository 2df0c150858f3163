#include "io/webhooks/webhooks.hpp"

#include <iostream>

#include "caf/actor_cast.hpp"
#include "caf/send.hpp"
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/webhooks/deliverer.hpp"
#include "io/webhooks/rules.hpp"
#include "io/webhooks/signature.hpp"

namespace actodo::io::webhooks {

namespace {

constexpr size_t max_patterns = 32;
constexpr size_t max_description = 1000;

caf::error field_error(std::string field, std::string detail) {
  return make_field_error(ec::invalid_field, std::move(field),
                          std::move(detail));
}

} // namespace

caf::error webhooks_state::apply(const actors::webhook_spec& spec,
                                 persistence::webhook_record& hook) {
  if (spec.url) {
    std::string why;
    if (!parse_url(*spec.url, &why))
      return field_error("url", "must be an http(s) URL: " + why);
    hook.url = *spec.url;
  }
  if (spec.events) {
    if (spec.events->empty() || spec.events->size() > max_patterns)
      return field_error("events", "must hold 1 to "
                                     + std::to_string(max_patterns)
                                     + " event type patterns");
    for (size_t i = 0; i < spec.events->size(); ++i)
      if (auto why = pattern_error((*spec.events)[i]))
        return field_error("events",
                           "pattern " + std::to_string(i) + " " + *why);
    hook.events = *spec.events;
  }
  if (spec.description) {
    if (spec.description->size() > max_description)
      return field_error("description", "must be at most "
                                          + std::to_string(max_description)
                                          + " bytes");
    hook.description = *spec.description;
  }
  if (spec.enabled) {
    hook.enabled = *spec.enabled;
    if (hook.enabled)
      hook.disabled_reason.clear();
    else if (hook.disabled_reason.empty())
      hook.disabled_reason = "disabled by the user";
  }
  return {};
}

caf::result<persistence::webhook_record>
webhooks_state::create(const std::string& user, actors::webhook_spec spec) {
  if (!spec.url)
    return field_error("url", "is required");
  if (!spec.events)
    return field_error("events", "is required");
  vetting v;
  v.user = user;
  v.create = true;
  v.hook.id = actors::new_id("wh_");
  v.hook.user_id = user;
  v.hook.secret = make_secret();
  v.hook.created_ms = v.hook.updated_ms = actors::domain::now_ms();
  if (auto err = apply(spec, v.hook))
    return err;
  v.spec = std::move(spec);
  return check_url(std::move(v));
}

caf::result<persistence::webhook_record>
webhooks_state::update(const std::string& user, const std::string& id,
                       actors::webhook_spec spec) {
  auto found = find(user, id);
  if (!found)
    return std::move(found.error());
  auto hook = std::move(*found);
  if (auto err = apply(spec, hook))
    return err;
  vetting v;
  v.user = user;
  v.hook = std::move(hook);
  v.spec = std::move(spec);
  if (!v.spec.url) {
    // Nothing to vet: finish now.
    auto ticket = ++next_ticket;
    v.promise = self->make_response_promise<persistence::webhook_record>();
    auto rp = v.promise;
    pending.emplace(ticket, std::move(v));
    vetted(ticket, "");
    return rp;
  }
  return check_url(std::move(v));
}

caf::result<persistence::webhook_record> webhooks_state::check_url(vetting v) {
  auto ticket = ++next_ticket;
  v.promise = self->make_response_promise<persistence::webhook_record>();
  auto rp = v.promise;
  auto url = v.hook.url;
  pending.emplace(ticket, std::move(v));
  auto hdl = caf::actor_cast<actors::webhooks_actor>(self);
  settings.poster->vet(url, [hdl, ticket](std::string refusal) {
    caf::anon_send(hdl, atom::vetted::value, ticket, std::move(refusal));
  });
  return rp;
}

void webhooks_state::vetted(uint64_t ticket, const std::string& refusal) {
  auto i = pending.find(ticket);
  if (i == pending.end())
    return;
  auto v = std::move(i->second);
  pending.erase(i);
  if (!refusal.empty()) {
    v.promise.deliver(field_error("url", refusal));
    return;
  }
  if (v.create) {
    auto cursor = store->create_webhook(v.hook, settings.options.max_per_user);
    if (!cursor) {
      v.promise.deliver(std::move(cursor.error()));
      return;
    }
    v.hook.cursor = *cursor;
    start(v.hook);
    {
      v.promise.deliver(std::move(v.hook));
      return;
    }
  }
  // Re-read: the cursor moved while the URL was checked.
  auto found = find(v.user, v.hook.id);
  if (!found) {
    v.promise.deliver(std::move(found.error()));
    return;
  }
  auto hook = std::move(*found);
  if (auto err = apply(v.spec, hook)) {
    v.promise.deliver(err);
    return;
  }
  if (auto err = rewrite(hook)) {
    v.promise.deliver(err);
    return;
  }
  v.promise.deliver(std::move(hook));
}

caf::result<persistence::webhook_record>
webhooks_state::replay(const std::string& user, const std::string& id,
                       int64_t from) {
  if (from < 1)
    return field_error("from_sequence", "must be at least 1");
  // The event before `from` must still be in the log: a replay from
  // beyond its end would skip the events up to `from`, one from before
  // the event retention could not be delivered (410).
  auto rp = self->make_response_promise<persistence::webhook_record>();
  self
    ->request(settings.journal, settings.request_timeout, atom::events::value,
              user, std::max(from - 2, int64_t{0}), int64_t{1})
    .then(
      [this, rp, user, id,
       from](std::vector<persistence::event_record>& evs) mutable {
        if (from > 1 && (evs.empty() || evs.front().seq != from - 1)) {
          auto last = evs.empty() ? std::string{"no event after "
                                                + std::to_string(from - 2)}
                                  : "the log goes on at "
                                      + std::to_string(evs.front().seq);
          rp.deliver(field_error("from_sequence",
                                 "must be at most the user's last sequence "
                                 "+ 1 ("
                                   + last + ")"));
          return;
        }
        auto hook = replay_from(user, id, from - 1);
        if (hook)
          rp.deliver(std::move(*hook));
        else
          rp.deliver(std::move(hook.error()));
      },
      [rp](caf::error& err) mutable {
        if (err == ec::gone)
          err = make_field_error(ec::gone, "from_sequence",
                                 "events before it were removed "
                                 "(--event-retention): "
                                   + describe(err));
        rp.deliver(std::move(err));
      });
  return rp;
}

caf::expected<persistence::webhook_record>
webhooks_state::replay_from(const std::string& user, const std::string& id,
                            int64_t cursor) {
  auto found = find(user, id);
  if (!found)
    return found;
  auto hook = std::move(*found);
  hook.cursor = cursor;
  if (auto err = rewrite(hook))
    return err;
  return hook;
}

void webhooks_state::disable(const std::string& id, const std::string& reason,
                             uint64_t gen) {
  auto r = running.find(id);
  // A deliverer replaced meanwhile (a change or replay) gave up on the
  // old state of the webhook: nothing to disable.
  if (r == running.end() || r->second.generation != gen)
    return;
  auto user = r->second.user;
  auto started = r->second.updated_ms;
  auto found = find(user, id);
  if (!found) {
    std::cerr << "actodo: webhooks: cannot disable " << id << ": "
              << describe(found.error()) << '\n';
    stop(id);
    return;
  }
  auto hook = std::move(*found);
  stop(id);
  if (hook.updated_ms != started) {
    // Changed through another node: the comparison with the store starts
    // the new state.
    return;
  }
  settings.stats->disabled.add();
  hook.enabled = false;
  hook.disabled_reason = reason;
  // Owed with the disabling itself: the notice follows even if this node
  // dies before the user's log has it.
  hook.notice_owed = std::max(actors::domain::now_ms(), int64_t{1});
  if (auto err = rewrite(hook)) {
    std::cerr << "actodo: webhooks: cannot disable " << id << ": "
              << describe(err) << '\n';
    return;
  }
  std::cerr << "actodo: webhooks: disabled " << id << " of user "
            << hook.user_id << ": " << reason << '\n';
  notice(hook);
}

actors::webhooks_actor::behavior_type
webhooks(actors::webhooks_actor::stateful_pointer<webhooks_state> self,
         std::shared_ptr<persistence::webhook_store> store,
         webhooks_settings settings) {
  auto& st = self->state;
  st.self = self;
  st.store = std::move(store);
  st.settings = std::move(settings);
  // Ticks compare with the store: always in a cluster, else until the
  // first comparison succeeded (the store was unreachable at start).
  // Also while notices are owed (a crash between a disabling and its
  // notification).
  auto owing = st.pay_owed_notices();
  if (!st.reconcile() || st.settings.clustered || owing)
    st.arm_tick();
  return {
    [self](atom::create, const std::string& user, actors::webhook_spec& spec) {
      return self->state.create(user, std::move(spec));
    },
    [self](atom::list, const std::string& user)
      -> caf::result<std::vector<persistence::webhook_record>> {
      self->state.flush();
      auto hooks = self->state.store->list_webhooks(user);
      if (!hooks)
        return std::move(hooks.error());
      return std::move(*hooks);
    },
    [self](atom::get, const std::string& user,
           const std::string& id) -> caf::result<persistence::webhook_record> {
      auto found = self->state.find(user, id);
      if (!found)
        return std::move(found.error());
      return std::move(*found);
    },
    [self](atom::update, const std::string& user, const std::string& id,
           actors::webhook_spec& spec) {
      return self->state.update(user, id, std::move(spec));
    },
    [self](atom::remove, const std::string& user,
           const std::string& id) -> caf::result<bool> {
      auto found = self->state.find(user, id);
      if (!found)
        return std::move(found.error());
      // Deleted first: a failed delete leaves the webhook delivering.
      if (auto err = self->state.store->delete_webhook(user, id))
        return err;
      self->state.stop(id);
      return true;
    },
    [self](
      atom::deliveries, const std::string& user, const std::string& id,
      int64_t limit) -> caf::result<std::vector<persistence::delivery_record>> {
      auto found = self->state.find(user, id);
      if (!found)
        return std::move(found.error());
      auto xs = self->state.store->deliveries(id, limit);
      if (!xs)
        return std::move(xs.error());
      return std::move(*xs);
    },
    [self](atom::replay, const std::string& user, const std::string& id,
           int64_t from) { return self->state.replay(user, id, from); },
    [self](atom::committed, const std::map<std::string, int64_t>& grown) {
      auto& st = self->state;
      for (auto& [user, seq] : grown) {
        auto i = st.by_user.find(user);
        if (i == st.by_user.end())
          continue;
        for (auto& id : i->second)
          if (auto j = st.running.find(id); j != st.running.end())
            self->send(j->second.hdl, atom::committed::value, seq);
      }
    },
    [self](atom::delivered, const persistence::delivery_record& x,
           int64_t cursor,
           uint64_t gen) { self->state.record(x, cursor, gen); },
    [self](atom::cursor, const std::string& id, int64_t cursor, uint64_t gen) {
      persistence::delivery_record none;
      none.webhook_id = id;
      self->state.record(none, cursor, gen);
    },
    [self](atom::flush) {
      self->state.flush_armed = false;
      self->state.flush();
    },
    [self](atom::disable, const std::string& id, const std::string& reason,
           uint64_t gen) { self->state.disable(id, reason, gen); },
    [self](atom::vetted, uint64_t ticket, const std::string& refusal) {
      self->state.vetted(ticket, refusal);
    },
    [self](atom::owners, const actors::routing_table& table) {
      auto& st = self->state;
      st.partitions = table.partitions;
      st.owned.assign(static_cast<size_t>(std::max(table.partitions, 0)),
                      false);
      for (size_t p = 0; p < table.epochs.size() && p < st.owned.size(); ++p)
        st.owned[p] = table.epochs[p] != 0;
      st.reconcile();
    },
    [self](atom::tick) {
      auto& st = self->state;
      st.tick_armed = false;
      auto owing = st.pay_owed_notices();
      if (!st.reconcile() || st.settings.clustered || owing)
        st.arm_tick();
    },
  };
}

} // namespace actodo::io::webhooks
