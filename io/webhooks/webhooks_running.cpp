// The `webhooks` actor's deliverers: which run on this node, their start
// and stop, and the group commit of their attempts and cursors.
#include <algorithm>
#include <iostream>

#include "actors/domain/partition.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/webhooks/deliverer.hpp"
#include "io/webhooks/webhooks.hpp"

namespace actodo::io::webhooks {

namespace {

caf::error not_found(const std::string& id) {
  return make_field_error(ec::not_found, "id", "no webhook with id " + id);
}

} // namespace

bool webhooks_state::local(const std::string& user) const {
  if (!settings.clustered)
    return true;
  if (partitions <= 0)
    return false;
  auto p = actors::domain::partition_of(user, partitions);
  return static_cast<size_t>(p) < owned.size() && owned[p];
}

bool webhooks_state::reconcile() {
  auto hooks = store->enabled_webhooks();
  if (!hooks) {
    std::cerr << "actodo: webhooks: cannot read the webhooks (again in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                   settings.reconcile_interval)
                   .count()
              << " ms): " << describe(hooks.error()) << '\n';
    return false;
  }
  std::unordered_map<std::string, const persistence::webhook_record*> wanted;
  for (auto& h : *hooks)
    if (local(h.user_id))
      wanted.emplace(h.id, &h);
  std::vector<std::string> gone;
  for (auto& [id, r] : running) {
    auto i = wanted.find(id);
    if (i == wanted.end() || i->second->updated_ms != r.updated_ms)
      gone.push_back(id);
  }
  for (auto& id : gone)
    stop(id);
  for (auto& [id, h] : wanted)
    if (running.count(id) == 0)
      start(*h);
  return true;
}

caf::expected<persistence::webhook_record>
webhooks_state::find(const std::string& user, const std::string& id) {
  flush(); // Its cursor as far as the deliverer got.
  auto found = store->find_webhook(user, id);
  if (!found)
    return std::move(found.error());
  if (!*found)
    return not_found(id);
  return std::move(**found);
}

void webhooks_state::start(const persistence::webhook_record& hook) {
  if (!hook.enabled || !local(hook.user_id))
    return;
  stop(hook.id);
  deliverer_settings cfg;
  cfg.options = settings.options;
  cfg.journal = settings.journal;
  cfg.parent = self;
  cfg.poster = settings.poster;
  cfg.generation = ++next_generation;
  running_hook r;
  r.hdl = self->spawn<caf::linked>(deliverer, hook, std::move(cfg));
  r.user = hook.user_id;
  r.updated_ms = hook.updated_ms;
  r.generation = next_generation;
  running.emplace(hook.id, std::move(r));
  by_user[hook.user_id].push_back(hook.id);
  settings.stats->running.set(static_cast<int64_t>(running.size()));
}

void webhooks_state::stop(const std::string& id) {
  auto i = running.find(id);
  if (i == running.end())
    return;
  self->unlink_from(i->second.hdl);
  self->send_exit(i->second.hdl, caf::exit_reason::user_shutdown);
  if (auto j = by_user.find(i->second.user); j != by_user.end()) {
    auto& ids = j->second;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
    if (ids.empty())
      by_user.erase(j);
  }
  running.erase(i);
  settings.stats->running.set(static_cast<int64_t>(running.size()));
}

caf::error webhooks_state::rewrite(persistence::webhook_record& hook) {
  // A new `updated_ms` also tells the cursor writes of the deliverer it
  // replaces (maybe on another node) that they are stale.
  flush();
  hook.updated_ms = std::max(actors::domain::now_ms(), hook.updated_ms + 1);
  if (auto err = store->update_webhook(hook))
    return err;
  stop(hook.id);
  start(hook);
  return {};
}

void webhooks_state::record(const persistence::delivery_record& x,
                            int64_t cursor, uint64_t gen) {
  auto i = running.find(x.webhook_id);
  if (x.sequence > 0) {
    settings.stats->attempts.add();
    if (cursor < 0)
      settings.stats->failures.add();
    settings.stats->seconds.observe(static_cast<double>(x.latency_ms) / 1000.0);
    if (i != running.end())
      unsaved.push_back(x);
  }
  // A cursor of a replaced or stopped deliverer is stale.
  if (cursor >= 0 && i != running.end() && i->second.generation == gen)
    unsaved_cursors[x.webhook_id] = {x.webhook_id, cursor,
                                     i->second.updated_ms};
  if (!flush_armed && (!unsaved.empty() || !unsaved_cursors.empty())) {
    flush_armed = true;
    // Behind what is queued already: a burst of answers is one commit.
    self->send(self, atom::flush::value);
  }
}

void webhooks_state::flush() {
  if (unsaved.empty() && unsaved_cursors.empty())
    return;
  std::vector<persistence::cursor_update> cursors;
  for (auto& [id, c] : unsaved_cursors)
    cursors.push_back(c);
  auto err = store->record_progress(unsaved, cursors,
                                    settings.options.keep_deliveries);
  // The attempts are a history: dropped when the store fails. Cursors (one
  // per webhook at most) wait for the next try a second later.
  unsaved.clear();
  if (!err) {
    unsaved_cursors.clear();
    return;
  }
  std::cerr << "actodo: webhooks: cannot store delivery attempts and "
            << cursors.size() << " cursors (again in 1s): " << describe(err)
            << '\n';
  if (!flush_armed) {
    flush_armed = true;
    self->delayed_send(self, std::chrono::seconds(1), atom::flush::value);
  }
}

} // namespace actodo::io::webhooks
