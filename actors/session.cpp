#include "actors/session.hpp"

#include <iostream>

#include "caf/event_based_actor.hpp"
#include "caf/exit_reason.hpp"
#include "caf/sec.hpp"

#include "actors/domain/time.hpp"
#include "actors/record_codec.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

constexpr int64_t replay_page = 1000;

/// While the user's partition moves (a node failed), subscribing fails
/// with `unavailable`; the session tries again for about a minute.
constexpr auto resubscribe_delay = std::chrono::milliseconds(500);
/// A request to a node that just died can stay unanswered (CAF drops what
/// reaches a dead proxy): each attempt waits this long at most.
constexpr auto resubscribe_timeout = std::chrono::seconds(2);
constexpr int32_t max_attempts = 120;

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
          sink->send(shared_frame{records::event_frame(ev), ev.seq});
          last = ev.seq;
        }
        if (!events.empty() && last < until)
          replay(last, until);
      },
      [this](caf::error& err) {
        if (err == ec::gone) {
          // The retention removed them: the client learns what to do.
          sink->error({}, err, "after");
          sink->close(4000, "events removed");
        } else {
          std::cerr << "actodo: session of " << user_id
                    << ": cannot replay events: " << describe(err) << '\n';
          sink->close(1011, "cannot read the event log");
        }
        self->quit(caf::exit_reason::user_shutdown);
      });
}

void session_state::submit(command& cmd) {
  cmd.user_id = user_id;
  // The result reaches this session like every other: through the
  // subscription. Only a failure to deliver the command is reported here.
  auto rid = cmd.request_id;
  self->request(directory, timeout, std::move(cmd))
    .then(
      [this, rid](command_outcome& x) {
        // Outcomes of applied commands arrive through the subscription;
        // a command refused before it was applied, or a resent command
        // (only the sender learns), only here.
        if (x.request_id.empty() || x.replayed)
          sink->outcome(rid, x);
      },
      [this, rid](caf::error& err) { sink->error(rid, err, {}); });
}

void session_state::forward(const shared_frame& frame) {
  if (frame.seq > 0) {
    if (frame.seq <= last_seq)
      return;
    last_seq = frame.seq;
  }
  sink->send(frame);
}

void session_state::resubscribe() {
  // Live frames of the new list wait in the mailbox until the gap between
  // the last event the socket got and the list's sequence is replayed.
  self
    ->request(directory, resubscribe_timeout, atom::subscribe::value, user_id,
              caf::actor_cast<session_actor>(self))
    .await(
      [this](int64_t seq) {
        attempts = 0;
        if (auto sender = self->current_sender()) {
          source = sender->address();
          self->monitor(caf::actor_cast<caf::actor>(sender));
        }
        auto from = last_seq;
        last_seq = std::max(last_seq, seq);
        replay(from, seq);
      },
      [this](caf::error& err) {
        if (++attempts < max_attempts
            && (err == ec::unavailable || err == ec::timeout
                || err == caf::sec::request_timeout
                || err == caf::sec::request_receiver_down)) {
          self->delayed_send(self, resubscribe_delay, atom::retry::value);
          return;
        }
        std::cerr << "actodo: session of " << user_id
                  << ": cannot subscribe again: " << describe(err) << '\n';
        sink->close(1011,
                    "stream interrupted; reconnect with after=<sequence>");
        self->quit(caf::exit_reason::user_shutdown);
      });
}

void session_state::welcome(int64_t seq, const session_options& from) {
  last_seq = seq;
  sink->send(shared_frame{R"({"type":"welcome","sequence":)"
                          + std::to_string(seq) + "}"});
  if (from.after >= 0 && seq - from.after > from.max_replay) {
    auto detail = std::to_string(seq - from.after)
                  + " events missed, more than a socket replays ("
                  + std::to_string(from.max_replay)
                  + "): read /api/v1/events?after=" + std::to_string(from.after)
                  + " and reconnect with a later after=";
    sink->error({}, caf::make_error(ec::limit_exceeded, detail), "after");
    sink->close(4000, "resume gap too large");
    self->quit(caf::exit_reason::user_shutdown);
    return;
  }
  if (from.after >= 0)
    replay(from.after, seq);
}

void session_state::start(const session_options& from) {
  // However the actor ends, the socket learns about it.
  self->attach_functor([sink = sink](const caf::error& reason) {
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
      [this, from](int64_t seq) {
        // The answer comes from the list itself (the directory delegates).
        if (auto sender = self->current_sender()) {
          source = sender->address();
          self->monitor(caf::actor_cast<caf::actor>(sender));
        }
        welcome(seq, from);
      },
      [this](caf::error& err) {
        if (err == ec::limit_exceeded)
          sink->close(1008, "too many sessions for this user");
        else
          sink->close(1011, "cannot subscribe");
        self->quit(caf::exit_reason::user_shutdown);
      });
}

session_actor::behavior_type
session(session_actor::stateful_pointer<session_state> self,
        std::string user_id, session_options from,
        user_directory_actor directory, journal_actor journal,
        std::shared_ptr<frame_sink> sink, caf::timespan timeout,
        std::shared_ptr<actor_metrics> messages) {
  auto& st = self->state;
  st.self = self;
  st.messages = std::move(messages);
  st.user_id = std::move(user_id);
  st.directory = std::move(directory);
  st.journal = std::move(journal);
  st.sink = std::move(sink);
  st.timeout = timeout;
  // A list that stops on a store failure takes its sessions down (exit);
  // one that moved to another node (or whose node died) only goes away.
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source != st.source)
      return;
    st.source = nullptr;
    st.resubscribe();
  });
  st.start(from);
  return {
    [self](atom::frame, const shared_frame& frame) {
      count_message(*self->state.messages, actor_kind::session, self);
      self->state.forward(frame);
    },
    [self](atom::retry) { self->state.resubscribe(); },
    [self](command& cmd) {
      count_message(*self->state.messages, actor_kind::session, self);
      self->state.submit(cmd);
    },
    [self](atom::expire) {
      self->state.sink->close(1008, "access token expired");
      self->quit(caf::exit_reason::user_shutdown);
    },
  };
}

} // namespace actodo::actors
