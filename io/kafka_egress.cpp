#include "io/kafka_egress.hpp"

#include <iostream>

#include "caf/event_based_actor.hpp"

#include "io/cloud_events.hpp"

namespace actodo::io {

namespace atom = actodo::atom;

namespace {

constexpr int64_t read_batch = 500;
constexpr size_t max_inflight = 20000;

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto st = static_cast<kafka_egress_state*>(opaque);
  auto id = reinterpret_cast<intptr_t>(msg->_private);
  st->delivered(static_cast<int64_t>(id),
                msg->err == RD_KAFKA_RESP_ERR_NO_ERROR);
}

} // namespace

kafka_egress_state::~kafka_egress_state() {
  if (producer)
    rd_kafka_flush(producer.get(), 2000);
  producer.reset();
}

void kafka_egress_state::fill() {
  if (reading || failed || inflight.size() >= max_inflight) {
    woken = true;
    return;
  }
  reading = true;
  woken = false;
  self->request(journal, timeout, atom::outbox::value, read_up_to, read_batch)
    .then(
      [this](std::vector<persistence::outbox_record>& events) {
        reading = false;
        if (failed)
          return;
        if (acked < 0 && !events.empty() && read_up_to < 0)
          acked = persisted = events.front().id - 1;
        for (auto& ev : events)
          produce(ev);
        if (static_cast<int64_t>(events.size()) == read_batch || woken)
          fill();
      },
      [this](caf::error& err) {
        reading = false;
        std::cerr << "actodo: kafka egress: outbox read failed: "
                  << caf::to_string(err) << std::endl;
      });
}

void kafka_egress_state::produce(const persistence::outbox_record& ev) {
  auto msg = event_message(ev, settings.mode);
  auto opaque = reinterpret_cast<void*>(static_cast<intptr_t>(ev.id));
  auto reminder = ev.type == "todo.reminder.due";
  int n = 0;
  for (auto topic : {&settings.events_topic, &settings.reminders_topic}) {
    if (topic == &settings.reminders_topic && !reminder)
      break;
    auto err = io::produce(producer.get(), *topic, ev.user_id, msg.value,
                           msg.headers, opaque);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer.get(), 100);
      err = io::produce(producer.get(), *topic, ev.user_id, msg.value,
                        msg.headers, opaque);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      stats->failed.add();
      failed = true;
    } else {
      ++n;
    }
  }
  read_up_to = ev.id;
  inflight[ev.id] += n;
  if (n == 0)
    inflight.erase(ev.id);
}

void kafka_egress_state::delivered(int64_t id, bool ok) {
  if (!ok) {
    stats->failed.add();
    failed = true;
    return;
  }
  stats->produced.add();
  auto i = inflight.find(id);
  if (i == inflight.end())
    return; // From before a re-read.
  --i->second;
}

void kafka_egress_state::tick() {
  rd_kafka_poll(producer.get(), 0);
  while (!inflight.empty() && inflight.begin()->second <= 0) {
    acked = inflight.begin()->first;
    inflight.erase(inflight.begin());
  }
  if (failed && !reading) {
    // Everything after the acknowledged prefix goes again (at least once).
    inflight.clear();
    read_up_to = acked;
    failed = false;
    fill();
  }
  persist();
  if (inflight.size() < max_inflight / 2 && woken && !reading)
    fill();
}

void kafka_egress_state::persist() {
  if (persisting || acked <= persisted)
    return;
  persisting = true;
  auto pos = acked;
  self->request(journal, timeout, atom::published::value, pos)
    .then(
      [this, pos](int64_t backlog) {
        persisting = false;
        persisted = pos;
        stats->outbox_backlog.set(backlog);
      },
      [this](caf::error&) { persisting = false; });
}

kafka_egress_actor::behavior_type
kafka_egress(kafka_egress_actor::stateful_pointer<kafka_egress_state> self,
             actors::journal_actor journal, kafka_settings settings,
             std::shared_ptr<kafka_metrics> stats, caf::timespan timeout,
             start_promise started) {
  auto& st = self->state;
  st.self = self;
  st.journal = journal;
  st.settings = std::move(settings);
  st.stats = std::move(stats);
  st.timeout = timeout;
  // A delivery never times out: a failed one would make the egress re-read
  // and re-send after later events, reordering a user's events. During an
  // outage the records wait in librdkafka (bounded), then in the outbox.
  auto producer = make_producer(st.settings, "actodo-egress", &st, on_delivery,
                                {{"message.timeout.ms", "0"}});
  // The bridge reports a failure (and stops the node during its start).
  started->set_value(producer ? caf::error{} : producer.error());
  if (!producer) {
    self->quit(producer.error());
  } else {
    st.producer = std::move(*producer);
    self->send(journal, atom::tail::value,
               caf::actor_cast<actors::outbox_listener_actor>(self));
    st.fill();
    self->send(self, atom::tick::value);
  }
  return {
    [=](atom::wake) {
      if (self->state.producer)
        self->state.fill();
    },
    [=](atom::tick) {
      auto& st = self->state;
      if (!st.producer)
        return;
      st.tick();
      // Fast while records are in flight, a slow safety net otherwise.
      auto busy = !st.inflight.empty() || st.reading;
      self->delayed_send(self,
                         busy ? std::chrono::milliseconds(2)
                              : std::chrono::milliseconds(200),
                         atom::tick::value);
      if (!busy)
        st.fill();
    },
  };
}

} // namespace actodo::io
