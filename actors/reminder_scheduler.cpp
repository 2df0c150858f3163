#include "actors/reminder_scheduler.hpp"

#include <algorithm>
#include <iostream>
#include <limits>

#include "actors/domain/partition.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

constexpr int64_t retry_ms = 1000;

/// Cluster mode: between two pages of a read that skipped other nodes'
/// entries, so that the journal commits in between.
constexpr auto page_pause = std::chrono::milliseconds(20);

} // namespace

void reminder_scheduler_state::start(user_directory_actor dir) {
  directory = std::move(dir);
  started_ms = settings.clock();
  self->request(journal, settings.request_timeout, atom::count::value)
    .then([this](int64_t n) { stats->pending.set(n); },
          [](caf::error& err) {
            std::cerr << "actodo: reminder scheduler: cannot count the "
                         "due-time index: "
                      << describe(err) << '\n';
          });
  load_page();
}

bool reminder_scheduler_state::mine(const std::string& user) const {
  if (!settings.clustered)
    return true;
  if (owned.empty())
    return false;
  auto p = domain::partition_of(user, static_cast<int32_t>(owned.size()));
  return owned[static_cast<size_t>(p)] > 0;
}

void reminder_scheduler_state::own(std::vector<int64_t> epochs) {
  if (!settings.clustered || epochs == owned)
    return;
  owned = std::move(epochs);
  // Start over. What falls due from here on is live; what fell due before
  // (a partition without owner while a node failed, say) is the backlog.
  // A wake sent twice costs a message: the todo_list decides what is due.
  ++generation;
  queue.clear();
  index.clear();
  backlog.clear();
  buffered.clear();
  horizon = entry{-1, "", ""};
  prefetched = entry{-1, "", ""};
  unbounded = false;
  loading = false;
  started_ms = settings.clock();
  stats->backlog.set(0);
  load_page();
  arm();
}

void reminder_scheduler_state::load_page() {
  if (loading || unbounded || !directory)
    return;
  if (settings.clustered
      && std::none_of(owned.begin(), owned.end(),
                      [](int64_t epoch) { return epoch > 0; }))
    return; // Nothing to schedule (yet).
  loading = true;
  auto [at, user, todo] = horizon;
  auto limit = static_cast<int64_t>(
    settings.window - std::min(settings.window - 1, queue.size()));
  self
    ->request(journal, settings.request_timeout, atom::wakes::value,
              persistence::wake_entry{at, user, todo}, limit)
    .then(
      [this, limit,
       g = generation](std::vector<persistence::wake_entry>& page) {
        if (g != generation)
          return; // Read before the partitions changed.
        loading = false;
        for (auto& x : page) {
          entry e{x.at, x.user_id, x.todo_id};
          horizon = e;
          if (!mine(x.user_id))
            continue; // Another node's (cluster mode).
          key k{x.user_id, x.todo_id};
          if (index.count(k) > 0)
            continue;
          if (x.at < started_ms) {
            backlog.push_back(std::move(e));
          } else {
            index.emplace(k, x.at);
            queue.insert(std::move(e));
          }
        }
        if (static_cast<int64_t>(page.size()) < limit)
          unbounded = true;
        stats->backlog.set(static_cast<int64_t>(backlog.size()));
        auto replay = std::move(buffered);
        buffered.clear();
        for (auto& [k, at] : replay)
          update(k, at);
        // Cluster mode: pages of other nodes' entries leave the window
        // short, and no timer may be due to read on (`tick` does).
        if (settings.clustered && !unbounded
            && queue.size() < settings.window / 2)
          self->delayed_send(self, page_pause, atom::tick::value);
        arm();
      },
      [this, g = generation](caf::error&) {
        if (g != generation)
          return;
        // Try again later; the index is durable.
        loading = false;
        self->delayed_send(self, std::chrono::seconds(1), atom::tick::value);
      });
}

void reminder_scheduler_state::update(const key& k, int64_t at) {
  if (!mine(k.first))
    return; // A list of a partition that just moved away (cluster mode).
  if (loading) {
    buffered.emplace_back(k, at);
    return;
  }
  if (auto i = index.find(k); i != index.end()) {
    queue.erase(entry{i->second, k.first, k.second});
    index.erase(i);
  }
  if (at < 0)
    return;
  entry e{at, k.first, k.second};
  // Beyond the horizon the store has it; a later page brings it in.
  if (!unbounded && e > horizon)
    return;
  index.emplace(k, at);
  queue.insert(std::move(e));
}

void reminder_scheduler_state::wake(const entry& e) {
  auto& [at, user, todo] = e;
  ++wakes_sent;
  ++in_flight;
  self
    ->request(directory, settings.request_timeout, atom::wake::value, user,
              todo)
    .then(
      [this](command_outcome&) {
        --in_flight;
        arm();
      },
      [this, e](caf::error& err) {
        // The todo_list failed or timed out: try again shortly.
        --in_flight;
        auto& [at, user, todo] = e;
        std::cerr << "actodo: reminder scheduler: wake of " << user << '/'
                  << todo << " failed, retrying: " << describe(err) << '\n';
        update(key{user, todo}, std::max(at, settings.clock() + retry_ms));
        arm();
      });
}

void reminder_scheduler_state::tick() {
  armed_at = -1;
  if (!directory)
    return;
  auto now = settings.clock();
  // Live entries first: they are on time only if nothing delays them.
  while (!queue.empty() && in_flight < settings.max_in_flight) {
    auto first = queue.begin();
    if (std::get<0>(*first) > now)
      break;
    auto e = *first;
    queue.erase(first);
    index.erase(key{std::get<1>(e), std::get<2>(e)});
    wake(e);
  }
  // Then the catch-up, at its rate.
  auto gap = 1000
             / static_cast<int64_t>(std::max<size_t>(settings.catchup_rate, 1));
  while (!backlog.empty() && in_flight < settings.max_in_flight
         && next_catchup_ms <= now) {
    auto e = std::move(backlog.front());
    backlog.pop_front();
    wake(e);
    // Up to 100 ms worth of wakes at once, then the rate.
    next_catchup_ms = std::max(next_catchup_ms, now - 100) + gap;
  }
  stats->backlog.set(static_cast<int64_t>(backlog.size()));
  prefetch(now);
  if (!unbounded && queue.size() < settings.window / 2)
    load_page();
  arm();
}

void reminder_scheduler_state::prefetch(int64_t now) {
  if (settings.prefetch_ms <= 0)
    return;
  for (auto i = queue.upper_bound(prefetched);
       i != queue.end() && prefetching < settings.max_prefetching; ++i) {
    auto& [at, user, todo] = *i;
    if (at > now + settings.prefetch_ms)
      break;
    prefetched = *i;
    ++prefetching;
    // Reading the todo spawns and loads the user's todo_list.
    self
      ->request(directory, settings.request_timeout, atom::get::value, user,
                todo)
      .then(
        [this](domain::todo&) {
          --prefetching;
          arm();
        },
        [this, user = user](caf::error& err) {
          // A todo deleted meanwhile is expected; anything else is worth
          // a line (the wake itself retries).
          if (err != ec::not_found)
            std::cerr << "actodo: reminder scheduler: prefetch for " << user
                      << " failed: " << describe(err) << '\n';
          --prefetching;
          arm();
        });
  }
}

void reminder_scheduler_state::arm() {
  if (in_flight >= settings.max_in_flight)
    return; // A reply re-arms.
  int64_t next = std::numeric_limits<int64_t>::max();
  if (!queue.empty())
    next = std::get<0>(*queue.begin());
  if (!backlog.empty())
    next = std::min(next, next_catchup_ms);
  if (settings.prefetch_ms > 0 && prefetching < settings.max_prefetching)
    if (auto i = queue.upper_bound(prefetched); i != queue.end())
      next = std::min(next, std::get<0>(*i) - settings.prefetch_ms);
  if (next == std::numeric_limits<int64_t>::max())
    return;
  if (armed_at >= 0 && armed_at <= next)
    return;
  armed_at = next;
  auto delay = std::max<int64_t>(next - settings.clock(), 0);
  self->delayed_send(self, std::chrono::milliseconds(delay), atom::tick::value);
}

std::vector<planned_wake> reminder_scheduler_state::next(int32_t n) const {
  std::vector<planned_wake> items;
  auto limit = static_cast<size_t>(std::max(n, 0));
  for (auto& [at, user, todo] : backlog) {
    if (items.size() >= limit)
      break;
    items.push_back({at, user, todo, true});
  }
  for (auto& [at, user, todo] : queue) {
    if (items.size() >= limit)
      break;
    items.push_back({at, user, todo, false});
  }
  return items;
}

scheduler_summary reminder_scheduler_state::summary() const {
  return {stats->pending.value(),
          settings.catchup_rate,
          queue.size(),
          backlog.size(),
          in_flight,
          wakes_sent,
          stats->fired.value(),
          unbounded};
}

reminder_scheduler_actor::behavior_type reminder_scheduler(
  reminder_scheduler_actor::stateful_pointer<reminder_scheduler_state> self,
  journal_actor journal, reminder_scheduler_settings settings,
  std::shared_ptr<reminder_metrics> stats,
  std::shared_ptr<actor_metrics> messages) {
  auto& st = self->state;
  st.self = self;
  st.journal = std::move(journal);
  st.settings = settings;
  st.stats = std::move(stats);
  st.messages = std::move(messages);
  return {
    [self](atom::start, user_directory_actor& dir) {
      self->state.start(std::move(dir));
    },
    [self](atom::schedule, const std::string& user, const std::string& todo,
           int64_t before, int64_t at) {
      auto& st = self->state;
      count_message(*st.messages, actor_kind::reminder_scheduler, self);
      if (before < 0 && at >= 0)
        st.stats->pending.add(1);
      else if (before >= 0 && at < 0)
        st.stats->pending.add(-1);
      st.update({user, todo}, at);
      st.arm();
    },
    [self](atom::tick) {
      count_message(*self->state.messages, actor_kind::reminder_scheduler,
                    self);
      self->state.tick();
    },
    [self](atom::owners, std::vector<int64_t>& epochs) {
      self->state.own(std::move(epochs));
    },
    [self](atom::fired, int64_t late_ms) {
      auto& st = self->state;
      st.stats->fired.add();
      st.stats->lateness_seconds.observe(static_cast<double>(late_ms) / 1000.0);
    },
    [self](atom::next, int32_t n) { return self->state.next(n); },
    [self](atom::summary) { return self->state.summary(); },
  };
}

} // namespace actodo::actors
