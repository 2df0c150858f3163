#include "io/console/inspector.hpp"

#include <sstream>
#include <unistd.h>

#include "caf/event_based_actor.hpp"
#include "caf/sec.hpp"
#include <nlohmann/json.hpp>

#include "actors/auth/crypto.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/console/render.hpp"

namespace actodo::io::console {

namespace {

using nlohmann::json;

json to_json(const actors::list_summary& x) {
  if (!x.resident)
    return json{{"user", x.user}, {"resident", false}};
  auto reminders = json::array();
  for (auto& r : x.pending_reminders)
    reminders.push_back({{"todo", r.todo_id},
                         {"reminder", r.index},
                         {"at", actors::domain::format_rfc3339_ms(r.at_ms)}});
  return json{{"user", x.user},
              {"resident", true},
              {"todos", x.todos},
              {"open", x.open},
              {"last_sequence", x.last_sequence},
              {"committed_sequence", x.committed_sequence},
              {"sessions", x.sessions},
              {"pending_commands", x.pending_commands},
              {"handled_messages", x.handled_messages},
              {"pending_reminders", std::move(reminders)}};
}

constexpr const char* help_text = R"(commands:
  help            this text
  nodes           every node: id, address, partitions, users, sessions
                  (alone: this node's pid and uptime)
  actors [kind]   live actors by kind (todo_list, session, journal, ...)
  user <id>       the state of a user's todo_list
  sessions        open WebSocket sessions and frames
  journal         group commits: count, batch sizes, commit latency
  reminders       the reminder scheduler: pending, backlog, fired, lateness
  reminders next <n>  the next n entries of the due-time index
  trace user <id> live tail of the user's results and events (Ctrl-C ends)
)";

json to_json(const std::vector<actors::planned_wake>& wakes) {
  auto items = json::array();
  for (auto& w : wakes)
    items.push_back({{"at", actors::domain::format_rfc3339_ms(w.at_ms)},
                     {"user", w.user},
                     {"todo", w.todo},
                     {"missed", w.missed}});
  return items;
}

json to_json(const actors::scheduler_summary& x) {
  return json{{"pending", x.pending},
              {"catchup_rate_per_s", x.catchup_rate_per_s},
              {"in_memory", x.in_memory},
              {"backlog", x.backlog},
              {"in_flight", x.in_flight},
              {"wakes_sent", x.wakes_sent},
              {"fired", x.fired},
              {"whole_index_in_memory", x.whole_index_in_memory}};
}

} // namespace

caf::result<std::string> inspector_state::run(const std::string& line,
                                              bool as_json) {
  std::istringstream in{line};
  std::string cmd;
  std::string arg;
  in >> cmd >> arg;
  if (cmd == "help" || cmd.empty())
    return as_json ? json{{"help", help_text}}.dump() : help_text;
  if (cmd == "nodes")
    return nodes_view(as_json);
  if (cmd == "actors")
    return actors_view(arg, as_json);
  if (cmd == "user")
    return user_view(arg, as_json);
  if (cmd == "sessions")
    return render(
      json{{"sessions", stats.sessions->sessions.value()},
           {"frames_sent", stats.sessions->frames_sent.value()},
           {"frames_received", stats.sessions->frames_received.value()},
           {"slow_readers_dropped", stats.sessions->dropped.value()}},
      as_json);
  if (cmd == "journal")
    return journal_view(as_json);
  if (cmd == "reminders") {
    int32_t n = 10;
    if (arg == "next" && (!(in >> n) || n < 1 || n > 1000))
      return fail("usage: reminders next <1-1000>", as_json);
    if (!arg.empty() && arg != "next")
      return fail("usage: reminders [next <n>]", as_json);
    return reminders_view(arg == "next" ? n : 0, as_json);
  }
  return fail("unknown command '" + cmd + "' (try help)", as_json);
}

double inspector_state::uptime() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                       - started)
    .count();
}

std::string inspector_state::actors_view(const std::string& kind,
                                         bool as_json) const {
  json kinds{{"todo_list", stats.lists->resident.value()},
             {"session", stats.sessions->sessions.value()},
             {"user_directory", 1},
             {"journal", 1},
             {"accounts", 1},
             {"inspector", 1},
             {"reminder_scheduler", scheduler ? 1 : 0}};
  json depth = json::object();
  json per_s = json::object();
  auto r = rates();
  for (size_t i = 0; i < actors::actor_kind_count; ++i) {
    auto x = static_cast<actors::actor_kind>(i);
    auto name = actors::to_string(x);
    depth[name] = stats.messages->mailbox_depth(x).value();
    per_s[name] = r[i];
  }
  if (!kind.empty()) {
    if (!kinds.contains(kind))
      return fail("unknown actor kind " + kind, as_json);
    return render(json{{"kind", kind},
                       {"count", kinds[kind]},
                       {"mailbox_depth", depth.value(kind, json{})},
                       {"messages_per_s", per_s.value(kind, json{})}},
                  as_json);
  }
  auto up = std::max(uptime(), 1e-9);
  json messages{
    {"todo_list_spawned", stats.lists->spawned.value()},
    {"todo_list_passivated", stats.lists->passivated.value()},
    {"journal_commits_per_s",
     static_cast<double>(stats.journal->commits.value()) / up},
    {"ws_frames_sent_per_s",
     static_cast<double>(stats.sessions->frames_sent.value()) / up}};
  return render(json{{"actors", kinds},
                     {"mailbox_depth", depth},
                     {"messages_per_s", per_s},
                     {"activity", messages}},
                as_json);
}

caf::result<std::string> inspector_state::user_view(const std::string& user,
                                                    bool as_json) {
  if (user.empty())
    return fail("usage: user <id>", as_json);
  auto rp = self->make_response_promise<std::string>();
  // The directory asks the owning node's directory in cluster mode.
  self->request(directory, timeout, atom::summary::value, user)
    .then(
      [this, rp, as_json, user](actors::list_summary& summary) mutable {
        if (!cluster) {
          rp.deliver(render(to_json(summary), as_json));
          return;
        }
        self->request(cluster, timeout, atom::owner::value, user)
          .then(
            [rp, as_json, doc = to_json(summary)](
              std::string& owner, std::vector<std::string>& present) mutable {
              doc["owner"] = owner;
              doc["sessions_on"] = present;
              rp.deliver(render(doc, as_json));
            },
            [rp, as_json](caf::error& err) mutable {
              rp.deliver(fail(describe(err), as_json));
            });
      },
      [rp, as_json](caf::error& err) mutable {
        rp.deliver(fail(describe(err), as_json));
      });
  return rp;
}

std::string inspector_state::journal_view(bool as_json) const {
  auto batches = stats.journal->batch_size.snapshot();
  auto latency = stats.journal->commit_seconds.snapshot();
  auto mean = [](const config::histogram::summary& s) {
    return s.count == 0 ? 0.0 : s.sum / static_cast<double>(s.count);
  };
  return render(json{{"commits", stats.journal->commits.value()},
                     {"failures", stats.journal->failures.value()},
                     {"commands", batches.sum},
                     {"mean_batch_size", mean(batches)},
                     {"p99_batch_size", batches.p99},
                     {"mean_commit_ms", mean(latency) * 1000},
                     {"p99_commit_ms", latency.p99 * 1000}},
                as_json);
}

caf::result<std::string> inspector_state::reminders_view(int32_t next,
                                                         bool as_json) {
  if (!scheduler)
    return fail("no reminder scheduler on this node", as_json);
  auto rp = self->make_response_promise<std::string>();
  auto on_error = [rp, as_json](caf::error& err) mutable {
    rp.deliver(fail(caf::to_string(err), as_json));
  };
  if (next > 0) {
    self->request(scheduler, timeout, atom::next::value, next)
      .then(
        [rp, as_json](std::vector<actors::planned_wake>& wakes) mutable {
          rp.deliver(render(json{{"next", to_json(wakes)}}, as_json));
        },
        on_error);
    return rp;
  }
  auto late = stats.reminders->lateness_seconds.snapshot();
  self->request(scheduler, timeout, atom::summary::value)
    .then(
      [rp, as_json, late](actors::scheduler_summary& x) mutable {
        auto summary = to_json(x);
        summary["p99_lateness_ms"] = late.p99 * 1000;
        rp.deliver(render(summary, as_json));
      },
      on_error);
  return rp;
}

void inspector_state::sample() {
  counts now{};
  for (size_t i = 0; i < now.size(); ++i)
    now[i] = static_cast<uint64_t>(
      stats.messages->handled(static_cast<actors::actor_kind>(i)).value());
  samples.emplace_back(std::chrono::steady_clock::now(), now);
  while (samples.size() > 11)
    samples.pop_front();
  self->delayed_send(self, std::chrono::seconds(1), atom::tick::value);
}

std::array<double, actors::actor_kind_count> inspector_state::rates() const {
  std::array<double, actors::actor_kind_count> result{};
  if (samples.size() < 2)
    return result;
  auto& [t0, first] = samples.front();
  auto& [t1, last] = samples.back();
  auto dt = std::chrono::duration<double>(t1 - t0).count();
  for (size_t i = 0; i < result.size(); ++i)
    result[i] = static_cast<double>(last[i] - first[i]) / dt;
  return result;
}

actors::inspector_actor::behavior_type
inspector(actors::inspector_actor::stateful_pointer<inspector_state> self,
          std::string admin_token, actors::user_directory_actor directory,
          actors::node_metrics stats, caf::timespan timeout,
          actors::reminder_scheduler_actor scheduler,
          actors::cluster_agent_actor cluster) {
  auto& st = self->state;
  st.self = self;
  st.scheduler = std::move(scheduler);
  st.cluster = std::move(cluster);
  st.token = std::move(admin_token);
  st.directory = std::move(directory);
  st.stats = std::move(stats);
  st.started = std::chrono::steady_clock::now();
  st.timeout = timeout;
  st.sample();
  return {
    [self](atom::tick) {
      actors::count_message(*self->state.stats.messages,
                            actors::actor_kind::inspector, self);
      self->state.sample();
    },
    [self](atom::inspect, const std::string& token, const std::string& line,
           bool as_json) -> caf::result<std::string> {
      actors::count_message(*self->state.stats.messages,
                            actors::actor_kind::inspector, self);
      if (!actors::auth::equal_ct(token, self->state.token))
        return caf::make_error(ec::forbidden, "wrong admin token");
      return self->state.run(line, as_json);
    },
    [self](atom::subscribe, const std::string& token, const std::string& user,
           actors::session_actor& receiver) -> caf::result<int64_t> {
      if (!actors::auth::equal_ct(token, self->state.token))
        return caf::make_error(ec::forbidden, "wrong admin token");
      return self->delegate(self->state.directory, atom::subscribe::value, user,
                            std::move(receiver));
    },
  };
}

} // namespace actodo::io::console
