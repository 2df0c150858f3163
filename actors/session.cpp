#include "actors/session.hpp"

#include "caf/event_based_actor.hpp"
#include <nlohmann/json.hpp>

#include "actors/actor_stats.hpp"
#include "actors/apply.hpp"
#include "actors/command_frame.hpp"
#include "actors/domain/time.hpp"
#include "actors/problem.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

constexpr int64_t replay_page = 1000;

} // namespace

void session_state::replay(int64_t after, int64_t until) {
  if (after >= until)
    return;
  auto n = std::min(replay_page, until - after);
  self->request(journal, timeout, atom::events::value, user_id, after, n)
    .await(
      [this, until](std::vector<persistence::event_record>& events) {
        int64_t last = until;
        for (auto& ev : events) {
          sink->send(event_frame(ev.json));
          last = ev.seq;
        }
        if (!events.empty() && last < until)
          replay(last, until);
      },
      [this](caf::error&) {
        sink->close(1011, "cannot read the event log");
        self->quit();
      });
}

void session_state::error_frame(const std::string& request_id, int status,
                                const std::string& problem) {
  nlohmann::json frame{{"type", "error"},
                       {"request_id", nullptr},
                       {"status", status},
                       {"problem", nlohmann::json::parse(problem)}};
  if (!request_id.empty())
    frame["request_id"] = request_id;
  sink->send(
    frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void session_state::input(const std::string& text) {
  command cmd;
  cmd.user_id = user_id;
  auto parsed = parse_command_frame(text, cmd);
  if (!parsed.ok) {
    error_frame(cmd.request_id, parsed.status, parsed.problem);
    return;
  }
  // The result reaches this session like every other: through the
  // subscription. Only a failure to deliver the command is reported here.
  auto rid = cmd.request_id;
  self->request(directory, timeout, std::move(cmd))
    .then(
      [this, rid](reply& r) {
        // Outcomes of applied commands arrive through the subscription;
        // a command refused before it was applied only here.
        if (r.request_id.empty() && r.status >= 400)
          error_frame(rid, r.status, r.body);
        else if (r.replayed) // A resent command: only the sender learns.
          sink->send(result_frame(r));
      },
      [this, rid](caf::error& err) {
        error_frame(rid, 503,
                    make_problem(503,
                                 "command not applied: " + to_string(err)));
      });
}

session_actor::behavior_type
session(session_actor::stateful_pointer<session_state> self,
        std::string user_id, session_options from,
        user_directory_actor directory, journal_actor journal,
        std::shared_ptr<frame_sink> sink, caf::timespan timeout,
        std::shared_ptr<config::metrics> stats) {
  auto& st = self->state;
  st.self = self;
  st.stats = stats ? std::move(stats) : std::make_shared<config::metrics>();
  st.user_id = user_id;
  st.directory = directory;
  st.journal = std::move(journal);
  st.sink = std::move(sink);
  st.timeout = timeout;
  // However the actor ends, the socket learns about it.
  self->attach_functor([sink = st.sink](const caf::error& reason) {
    if (reason != caf::exit_reason::user_shutdown)
      sink->close(1011, "stream interrupted; reconnect with after=<sequence>");
  });
  if (from.expires_ms > 0) {
    auto left = std::chrono::milliseconds{from.expires_ms - domain::now_ms()};
    self->delayed_send(self, std::max(left, std::chrono::milliseconds{0}),
                       atom::expire::value);
  }
  // Live frames wait in the mailbox until the welcome and the replay went
  // out, so the client sees one ordered stream.
  self
    ->request(directory, timeout, atom::subscribe::value, user_id,
              caf::actor_cast<session_actor>(self))
    .await(
      [self, from](int64_t seq) {
        auto& st = self->state;
        st.sink->send(R"({"type":"welcome","sequence":)" + std::to_string(seq)
                      + "}");
        if (from.after >= 0 && seq - from.after > from.max_replay) {
          auto detail = std::to_string(seq - from.after)
                        + " events missed, more than a socket replays ("
                        + std::to_string(from.max_replay)
                        + "): read /api/v1/events?after="
                        + std::to_string(from.after)
                        + " and reconnect with a later after=";
          st.error_frame({}, 409, make_problem(409, detail, "after"));
          st.sink->close(4000, "resume gap too large");
          self->quit();
          return;
        }
        if (from.after >= 0)
          st.replay(from.after, seq);
      },
      [self](caf::error& err) {
        if (err == ec::limit_exceeded)
          self->state.sink->close(1008, "too many sessions for this user");
        else
          self->state.sink->close(1011, "cannot subscribe");
        self->quit();
      });
  return {
    [self](atom::frame, std::string& frame) {
      count_message(*self->state.stats, config::actor_kind::session, self);
      self->state.sink->send(std::move(frame));
    },
    [self](atom::input, const std::string& text) {
      count_message(*self->state.stats, config::actor_kind::session, self);
      self->state.input(text);
    },
    [self](atom::expire) {
      self->state.sink->close(1008, "access token expired");
      self->quit();
    },
  };
}

} // namespace actodo::actors
