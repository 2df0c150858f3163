#include "actors/journal.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <pthread.h>
#include <set>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"

#include "actors/domain/time.hpp"
#include "config/error.hpp"

namespace actodo::actors {

caf::result<int64_t> journal_state::append(persistence::user_batch batch) {
  if (!batch.events.empty()) {
    auto last = last_seq.find(batch.user_id);
    if (!last) {
      auto stored = store->last_seq(batch.user_id);
      if (!stored)
        return std::move(stored.error());
      last_seq.set(batch.user_id, *stored);
      last = last_seq.find(batch.user_id);
    }
    if (batch.events.front().seq != *last + 1)
      return caf::make_error(ec::sequence_gap, "user " + batch.user_id
                                                 + " expects sequence "
                                                 + std::to_string(*last + 1));
    *last = batch.events.back().seq;
  }
  auto promise = self->make_response_promise<int64_t>();
  pending.push_back(waiting{std::move(batch), promise});
  if (pending.size() >= max_batch) {
    flush();
  } else if (!flush_scheduled) {
    // Everything already queued in the mailbox joins this commit.
    flush_scheduled = true;
    self->send(self, atom::flush::value);
  }
  return promise;
}

void journal_state::flush() {
  flush_scheduled = false;
  if (pending.empty())
    return;
  auto waiters = std::move(pending);
  pending.clear();
  commit(std::move(waiters));
}

void journal_state::commit(std::vector<waiting> waiters) {
  std::vector<persistence::user_batch> batches;
  batches.reserve(waiters.size());
  for (auto& w : waiters)
    batches.push_back(std::move(w.batch));
  auto start = std::chrono::steady_clock::now();
  auto err = store->commit(batches);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  stats->commit_seconds.observe(took.count());
  stats->batch_size.observe(static_cast<double>(batches.size()));
  if (err == ec::fenced) {
    for (size_t i = 0; i < waiters.size(); ++i)
      waiters[i].batch = std::move(batches[i]);
    // Rare (a partition changed hands under a commit): the others go again.
    if (drop_fenced(waiters)) {
      if (!waiters.empty())
        commit(std::move(waiters));
      return;
    }
    batches.clear();
    for (auto& w : waiters)
      batches.push_back(std::move(w.batch));
  }
  if (err) {
    stats->failures.add();
    // The in-memory sequence counters ran ahead of the store: reload them.
    for (auto& b : batches)
      last_seq.erase(b.user_id);
    for (auto& w : waiters)
      w.promise.deliver(err);
    return;
  }
  // Nothing is pending now (`flush` took it all): every cached sequence is
  // the stored one, and any of them may be forgotten.
  last_seq.age();
  ++commits;
  committed_batches += batches.size();
  stats->commits.add();
  auto wrote_events = false;
  for (size_t i = 0; i < waiters.size(); ++i) {
    auto& evs = batches[i].events;
    wrote_events = wrote_events || !evs.empty();
    waiters[i].promise.deliver(evs.empty() ? int64_t{0} : evs.back().seq);
  }
  last_commit = self->clock().now();
  fold_excess();
  if (wrote_events && listener)
    self->send(listener, atom::wake::value);
  if (wrote_events && commit_listener) {
    std::map<std::string, int64_t> grown;
    for (auto& b : batches)
      if (!b.events.empty())
        grown[b.user_id] = b.events.back().seq;
    self->send(commit_listener, atom::committed::value, std::move(grown));
  }
}

void journal_state::fold_excess() {
  auto d = store->deferred();
  // Down to a step below the limit, so that a steady load beyond it folds
  // every few commits rather than after each one.
  if (d.waiting > d.limit)
    fold(d.waiting - (d.limit > fold_step ? d.limit - fold_step : 0));
  stats->deferred_rows.set(static_cast<int64_t>(store->deferred().waiting));
  arm_fold();
}

void journal_state::arm_fold() {
  if (fold_armed || store->deferred().waiting == 0)
    return;
  fold_armed = true;
  self->delayed_send(self, fold_quiet, atom::idle::value);
}

void journal_state::fold_idle() {
  fold_armed = false;
  auto waiting = store->deferred().waiting;
  if (waiting == 0)
    return;
  auto quiet = std::chrono::duration_cast<caf::timespan>(self->clock().now()
                                                         - last_commit);
  fold_armed = true;
  if (!pending.empty() || quiet < fold_quiet) {
    self->delayed_send(self, std::max(fold_quiet - quiet, caf::timespan{1}),
                       atom::idle::value);
    return;
  }
  if (!fold(std::min(fold_step, waiting))) {
    self->delayed_send(self, std::chrono::seconds(1), atom::idle::value);
    return;
  }
  if (store->deferred().waiting > 0)
    self->send(self, atom::idle::value); // Behind what the mailbox holds.
  else
    fold_armed = false;
}

bool journal_state::fold(size_t rows) {
  auto before = store->deferred().waiting;
  auto start = std::chrono::steady_clock::now();
  auto err = store->fold(rows);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  stats->fold_seconds.observe(took.count());
  if (err) {
    std::cerr << "actodo: journal: cannot write deferred todo rows in place "
                 "(they stay in the row log, and reads see them): "
              << describe(err) << '\n';
    return false;
  }
  auto after = store->deferred().waiting;
  stats->folded_rows.add(static_cast<int64_t>(before - after));
  stats->deferred_rows.set(static_cast<int64_t>(after));
  return true;
}

bool journal_state::drop_fenced(std::vector<waiting>& waiters) {
  std::vector<int32_t> parts;
  for (auto& w : waiters)
    if (w.batch.fence.partition >= 0)
      parts.push_back(w.batch.fence.partition);
  auto held = store->current_epochs(parts);
  if (!held)
    return false;
  std::map<int32_t, int64_t> current;
  for (size_t i = 0; i < parts.size(); ++i)
    current[parts[i]] = (*held)[i];
  std::set<std::pair<int32_t, int64_t>> stale;
  std::vector<waiting> rest;
  for (auto& w : waiters) {
    auto& f = w.batch.fence;
    if (f.partition < 0 || current[f.partition] == f.epoch) {
      rest.push_back(std::move(w));
      continue;
    }
    stale.emplace(f.partition, f.epoch);
    stats->fenced.add();
    last_seq.erase(w.batch.user_id);
    w.promise.deliver(
      make_retry_error(ec::fenced, "",
                       "partition " + std::to_string(f.partition)
                         + " moved to another node; nothing was written",
                       1));
  }
  waiters = std::move(rest);
  for (auto& [p, epoch] : stale) {
    std::cerr << "actodo: journal: the store refused commits of partition " << p
              << " at epoch " << epoch
              << " (another node claimed it); nothing of them was written\n";
    if (fence_listener)
      self->send(fence_listener, atom::fenced::value, p, epoch);
  }
  return !stale.empty();
}

caf::result<std::vector<int64_t>>
journal_state::claim(const std::vector<int32_t>& parts,
                     const std::vector<int64_t>& published) {
  flush(); // What was appended under the old epochs goes first.
  auto epochs = store->claim_partitions(parts, published);
  if (!epochs)
    return std::move(epochs.error());
  return std::move(*epochs);
}

caf::result<persistence::user_snapshot>
journal_state::load(const std::string& user) {
  flush(); // Reads see every acknowledged and pending write.
  last_seq.age(); // Nothing is pending after `flush`.
  auto snapshot = store->load_user(user);
  if (!snapshot)
    return std::move(snapshot.error());
  // Another node may have written since this one last did (cluster mode:
  // the partition came back).
  last_seq.set(user, snapshot->last_seq);
  return std::move(*snapshot);
}

caf::result<std::vector<persistence::event_record>>
journal_state::events(const std::string& user, int64_t after, int64_t limit) {
  flush();
  auto result = store->read_events(user, after, limit);
  if (!result)
    return std::move(result.error());
  return std::move(*result);
}

namespace {

template<class T>
caf::result<std::vector<T>> as_vector(caf::expected<std::optional<T>> x) {
  if (!x)
    return std::move(x.error());
  std::vector<T> result;
  if (*x)
    result.emplace_back(std::move(**x));
  return result;
}

template<class T>
caf::result<T> as_result(caf::expected<T> x) {
  if (!x)
    return std::move(x.error());
  return std::move(*x);
}

} // namespace

caf::result<std::vector<persistence::outbox_record>>
journal_state::outbox(int64_t after, int64_t limit) {
  flush();
  if (after < 0) {
    auto pos = store->published_position();
    if (!pos)
      return std::move(pos.error());
    after = *pos;
  }
  return as_result(store->read_outbox(after, limit));
}

caf::result<int64_t> journal_state::published(int64_t position) {
  if (auto err = store->publish_position(position))
    return err;
  return as_result(store->outbox_backlog());
}

void journal_state::prune() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  flush();
  auto now = domain::now_ms();
  // A failed prune is retried at the next period; nothing depends on it.
  if (retention.count() > 0)
    if (auto err = store->prune_requests(
          now - duration_cast<milliseconds>(retention).count()))
      std::cerr << "actodo: journal: cannot prune request outcomes: "
                << describe(err) << '\n';
  // Events go in chunks, so that a long backlog never holds up commits.
  constexpr int64_t chunk = 10000;
  auto full = false;
  if (event_retention.count() > 0) {
    auto n = store->prune_events(
      now - duration_cast<milliseconds>(event_retention).count(), chunk);
    if (!n)
      std::cerr << "actodo: journal: cannot prune events: "
                << describe(n.error()) << '\n';
    full = n && *n == chunk;
  }
  self->delayed_send(self,
                     full ? caf::timespan{std::chrono::seconds(1)}
                          : caf::timespan{std::chrono::minutes(10)},
                     atom::prune::value);
}

journal_actor::behavior_type
journal(journal_actor::stateful_pointer<journal_state> self,
        std::shared_ptr<persistence::store> store, config::journal_options opts,
        std::shared_ptr<journal_metrics> stats,
        std::shared_ptr<actor_metrics> messages) {
  // Detached (as the node spawns it), this runs on the journal's own
  // thread: named for top and perf.
  if (self->getf(caf::abstract_actor::is_detached_flag))
    ::pthread_setname_np(::pthread_self(), "actodo.journal");
  auto& st = self->state;
  st.self = self;
  st.store = std::move(store);
  st.max_batch = opts.max_batch;
  st.retention = opts.request_retention;
  st.event_retention = opts.event_retention;
  st.stats = std::move(stats);
  st.messages = std::move(messages);
  if (st.retention.count() > 0 || st.event_retention.count() > 0)
    self->send(self, atom::prune::value);
  // Rows an earlier run left waiting are folded once nothing commits.
  st.last_commit = self->clock().now();
  st.stats->deferred_rows.set(
    static_cast<int64_t>(st.store->deferred().waiting));
  st.arm_fold();
  return {
    [=](atom::append, persistence::user_batch& batch) {
      count_message(*self->state.messages, actor_kind::journal, self);
      return self->state.append(std::move(batch));
    },
    [=](atom::flush) { self->state.flush(); },
    [=](atom::idle) { self->state.fold_idle(); },
    [=](atom::load, const std::string& user) {
      count_message(*self->state.messages, actor_kind::journal, self);
      return self->state.load(user);
    },
    [=](atom::events, const std::string& user, int64_t after, int64_t limit) {
      return self->state.events(user, after, limit);
    },
    [=](atom::find, const std::string& user, const std::string& id) {
      self->state.flush();
      return as_vector(self->state.store->find_request(user, id));
    },
    [=](atom::idempotent, const std::string& user, const std::string& key) {
      self->state.flush();
      return as_vector(self->state.store->find_idempotent(user, key));
    },
    [=](atom::wakes, const persistence::wake_entry& after, int64_t limit) {
      return as_result(self->state.store->wakes_after(after, limit));
    },
    [=](atom::count) { return as_result(self->state.store->count_wakes()); },
    [=](atom::outbox, int64_t after, int64_t limit) {
      return self->state.outbox(after, limit);
    },
    [=](atom::published, int64_t position) {
      return self->state.published(position);
    },
    [=](atom::tail, outbox_listener_actor& listener) {
      self->state.listener = std::move(listener);
    },
    [=](atom::prune) { self->state.prune(); },
    [=](atom::claim, const std::vector<int32_t>& parts,
        const std::vector<int64_t>& published) {
      return self->state.claim(parts, published);
    },
    [=](atom::committed, commit_listener_actor& listener) {
      self->state.commit_listener = std::move(listener);
    },
    [=](atom::fenced, fence_listener_actor& listener) {
      self->state.fence_listener = std::move(listener);
    },
    [=](atom::ready) -> caf::result<bool> {
      if (auto err = self->state.store->ping())
        return err;
      return true;
    },
  };
}

} // namespace actodo::actors
