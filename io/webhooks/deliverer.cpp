#include "io/webhooks/deliverer.hpp"

#include <iostream>

#include "caf/actor_cast.hpp"
#include "caf/send.hpp"

#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/webhooks/rules.hpp"
#include "io/webhooks/signature.hpp"

namespace actodo::io::webhooks {

void deliverer_state::pump() {
  if (reading || posting || backing_off)
    return;
  auto skipped = false;
  while (!queue.empty() && !matches(hook.events, queue.front().type)) {
    cursor = queue.front().seq;
    queue.pop_front();
    skipped = true;
  }
  if (skipped)
    self->send(settings.parent, atom::cursor::value, hook.id, cursor,
               settings.generation);
  if (!queue.empty())
    return post(queue.front());
  if (known >= 0 && cursor >= known)
    return; // Idle until the log grows.
  read();
}

void deliverer_state::read() {
  reading = true;
  self
    ->request(settings.journal, settings.options.timeout, atom::events::value,
              hook.user_id, cursor, settings.page)
    .then(
      [this](std::vector<persistence::event_record>& evs) {
        reading = false;
        if (evs.empty())
          known = cursor; // Nothing after the cursor: wait for a commit.
        for (auto& ev : evs)
          queue.push_back(std::move(ev));
        pump();
      },
      [this](caf::error& err) {
        reading = false;
        if (err == ec::gone)
          return give_up("the events after sequence " + std::to_string(cursor)
                         + " were removed (--event-retention): "
                         + describe(err));
        std::cerr << "actodo: webhooks: " << hook.id
                  << ": cannot read events: " << describe(err) << '\n';
        backing_off = true;
        self->delayed_send(self, std::chrono::seconds(1), atom::retry::value);
      });
}

void deliverer_state::post(const persistence::event_record& ev) {
  posting = true;
  ++attempt;
  // The same id for every attempt at this event (receivers deduplicate).
  auto msg_id = "msg_" + hook.id + "_" + std::to_string(ev.seq);
  auto now_s = actors::domain::now_ms() / 1000;
  post_request req;
  req.url = hook.url;
  req.headers = {{"webhook-id", msg_id},
                 {"webhook-timestamp", std::to_string(now_s)},
                 {"webhook-signature", sign(key, msg_id, now_s, ev.json)}};
  req.body = ev.json;
  auto hdl = caf::actor_cast<actors::deliverer_actor>(self);
  auto seq = ev.seq;
  auto n = attempt;
  settings.poster->post(std::move(req), [hdl, seq, n](post_result r) {
    persistence::delivery_record x;
    x.sequence = seq;
    x.attempt = n;
    x.status = r.status;
    x.latency_ms = r.latency_ms;
    x.error = std::move(r.error);
    x.response = std::move(r.body);
    caf::anon_send(hdl, atom::delivered::value, std::move(x));
  });
}

void deliverer_state::on_result(persistence::delivery_record r) {
  posting = false;
  r.webhook_id = hook.id;
  r.at_ms = actors::domain::now_ms();
  auto acked = r.error.empty() && r.status >= 200 && r.status < 300;
  if (!acked && r.error.empty())
    r.error = r.status >= 300 && r.status < 400
                ? "HTTP " + std::to_string(r.status)
                    + " (redirects are not followed)"
                : "HTTP " + std::to_string(r.status);
  self->send(settings.parent, atom::delivered::value, r,
             acked ? r.sequence : int64_t{-1}, settings.generation);
  if (acked) {
    cursor = r.sequence;
    if (!queue.empty() && queue.front().seq == r.sequence)
      queue.pop_front();
    attempt = 0;
    failing_since_ms = 0;
    return pump();
  }
  if (failing_since_ms == 0)
    failing_since_ms = r.at_ms - r.latency_ms;
  auto retry_for = std::chrono::duration_cast<std::chrono::milliseconds>(
                     settings.options.retry_for)
                     .count();
  if (r.at_ms - failing_since_ms >= retry_for)
    return give_up("event " + std::to_string(r.sequence) + " failed "
                   + std::to_string(attempt) + " times over "
                   + std::to_string((r.at_ms - failing_since_ms) / 1000)
                   + " s; last: " + r.error);
  using std::chrono::milliseconds;
  auto delay = retry_delay(
    attempt,
    std::chrono::duration_cast<milliseconds>(settings.options.retry_initial),
    std::chrono::duration_cast<milliseconds>(settings.options.retry_max),
    std::uniform_real_distribution<double>{0.0, 1.0}(random));
  backing_off = true;
  self->delayed_send(self, delay, atom::retry::value);
}

void deliverer_state::give_up(std::string reason) {
  self->send(settings.parent, atom::disable::value, hook.id, std::move(reason),
             settings.generation);
  self->quit();
}

actors::deliverer_actor::behavior_type
deliverer(actors::deliverer_actor::stateful_pointer<deliverer_state> self,
          persistence::webhook_record hook, deliverer_settings settings) {
  auto& st = self->state;
  st.self = self;
  st.cursor = hook.cursor;
  st.key = secret_key(hook.secret).value_or(std::string{});
  st.hook = std::move(hook);
  st.settings = std::move(settings);
  st.pump();
  return {
    [self](atom::committed, int64_t seq) {
      auto& st = self->state;
      st.known = std::max(st.known, seq);
      st.pump();
    },
    [self](atom::retry) {
      auto& st = self->state;
      if (!st.backing_off)
        return;
      st.backing_off = false;
      st.pump();
    },
    [self](atom::delivered, persistence::delivery_record& r) {
      self->state.on_result(std::move(r));
    },
  };
}

} // namespace actodo::io::webhooks
