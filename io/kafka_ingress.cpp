#include "io/kafka_ingress.hpp"

#include <iostream>

#include "caf/event_based_actor.hpp"

namespace actodo::io {

namespace atom = actodo::atom;

namespace {

/// Records taken from the consumer per tick before replies get a turn.
constexpr int max_per_tick = 500;

/// Commands awaiting their outcome before the consumer pauses reading.
constexpr size_t max_open = 10000;

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto st = static_cast<kafka_ingress_state*>(opaque);
  st->delivered(reinterpret_cast<uintptr_t>(msg->_private),
                msg->err == RD_KAFKA_RESP_ERR_NO_ERROR);
}

void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto st = static_cast<kafka_ingress_state*>(opaque);
  auto cooperative = std::string{rd_kafka_rebalance_protocol(rk)}
                     == "COOPERATIVE";
  std::vector<int32_t> changed;
  for (int i = 0; i < parts->cnt; ++i)
    changed.push_back(parts->elems[i].partition);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // Ownership first (cluster mode): commands of these partitions may
    // arrive as soon as they are assigned.
    if (st->ownership)
      caf::anon_send(st->ownership, atom::assign::value, st->partition_count(),
                     std::move(changed));
    if (cooperative)
      rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, parts));
    else
      rd_kafka_assign(rk, parts);
    return;
  }
  if (st->ownership)
    caf::anon_send(st->ownership, atom::revoke::value, std::move(changed));
  // Revoked: commit what is finished; unfinished records go to the next
  // owner (applied at most once there thanks to the command id).
  st->commit(true);
  for (int i = 0; i < parts->cnt; ++i)
    st->offsets.forget(parts->elems[i].partition);
  if (cooperative)
    rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, parts));
  else
    rd_kafka_assign(rk, nullptr);
}

} // namespace

int32_t kafka_ingress_state::partition_count() {
  auto topic = rd_kafka_topic_new(consumer.get(),
                                  settings.commands_topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int32_t result = 0;
  if (rd_kafka_metadata(consumer.get(), 0, topic, &md, 5000)
        == RD_KAFKA_RESP_ERR_NO_ERROR
      && md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
    result = md->topics[0].partition_cnt;
  else
    std::cerr << "actodo: kafka ingress: no metadata of "
              << settings.commands_topic << std::endl;
  if (md != nullptr)
    rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(topic);
  return result;
}

kafka_ingress_state::~kafka_ingress_state() {
  if (producer)
    rd_kafka_flush(producer.get(), 2000);
  if (consumer)
    commit(true);
  consumer.reset();
  producer.reset();
}

void kafka_ingress_state::poll() {
  rd_kafka_poll(producer.get(), 0);
  for (int i = 0; i < max_per_tick && open.size() < max_open; ++i) {
    // Block briefly only when idle: replies queue up in the mailbox.
    auto msg = rd_kafka_consumer_poll(consumer.get(), i == 0 ? 10 : 0);
    if (msg == nullptr)
      break;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      kafka_record rec;
      rec.topic = rd_kafka_topic_name(msg->rkt);
      rec.partition = msg->partition;
      rec.offset = msg->offset;
      if (msg->key != nullptr)
        rec.key.assign(static_cast<const char*>(msg->key), msg->key_len);
      if (msg->payload != nullptr)
        rec.value.assign(static_cast<const char*>(msg->payload), msg->len);
      rec.headers = headers_of(msg);
      handle(std::move(rec));
    } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      std::cerr << "actodo: kafka ingress: " << rd_kafka_message_errstr(msg)
                << std::endl;
    }
    rd_kafka_message_destroy(msg);
  }
  commit(false);
  update_lag();
}

void kafka_ingress_state::handle(kafka_record rec) {
  stats->consumed.add();
  offsets.consumed(rec.partition, rec.offset);
  auto token = next_token++;
  auto& p = open[token];
  p.rec = std::move(rec);
  p.error = parse_command_record(p.rec, p.cmd);
  if (p.error)
    reject(token);
  else
    dispatch(token);
}

void kafka_ingress_state::dispatch(uint64_t token) {
  auto i = open.find(token);
  if (i == open.end())
    return;
  self->request(directory, timeout, i->second.cmd)
    .then([this, token](actors::command_outcome& x) { answer(token, x); },
          [this, token](caf::error& err) {
            // Not applied or not known to be: try again (idempotent).
            std::cerr << "actodo: kafka ingress: command failed, retrying: "
                      << caf::to_string(err) << std::endl;
            self->delayed_send(self, std::chrono::seconds(1),
                               atom::retry::value, token);
          });
}

void kafka_ingress_state::answer(uint64_t token,
                                 const actors::command_outcome& x) {
  auto i = open.find(token);
  if (i == open.end())
    return;
  auto& rec = i->second.rec;
  auto msg = result_message(rec, x);
  auto err = io::produce(producer.get(),
                         reply_topic(rec, settings.results_topic), rec.key,
                         msg.value, msg.headers,
                         reinterpret_cast<void*>(token));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    stats->failed.add();
    self->delayed_send(self, std::chrono::seconds(1), atom::retry::value,
                       token);
  }
}

void kafka_ingress_state::reject(uint64_t token) {
  auto& rec = open[token].rec;
  auto& why = *open[token].error;
  stats->failed.add();
  auto headers = rec.headers;
  headers.emplace_back("actodo_error", why.detail);
  headers.emplace_back("actodo_error_field", why.field);
  headers.emplace_back("actodo_original_topic", rec.topic);
  headers.emplace_back("actodo_original_partition",
                       std::to_string(rec.partition));
  headers.emplace_back("actodo_original_offset", std::to_string(rec.offset));
  auto err = io::produce(producer.get(), settings.dlq_topic, rec.key, rec.value,
                         headers, reinterpret_cast<void*>(token));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    std::cerr << "actodo: kafka ingress: DLQ: " << rd_kafka_err2str(err)
              << std::endl; // Stays open: redelivered after a restart.
}

void kafka_ingress_state::delivered(uint64_t token, bool ok) {
  auto i = open.find(token);
  if (i == open.end())
    return;
  if (!ok) {
    // Produce the outcome again: the command itself is idempotent.
    stats->failed.add();
    self->delayed_send(self, std::chrono::seconds(1), atom::retry::value,
                       token);
    return;
  }
  stats->produced.add();
  offsets.done(i->second.rec.partition, i->second.rec.offset);
  open.erase(i);
}

void kafka_ingress_state::commit(bool sync) {
  auto commits = offsets.take_commits();
  if (commits.empty())
    return;
  auto list = rd_kafka_topic_partition_list_new(
    static_cast<int>(commits.size()));
  for (auto& [partition, offset] : commits)
    rd_kafka_topic_partition_list_add(list, settings.commands_topic.c_str(),
                                      partition)
      ->offset
      = offset;
  auto err = rd_kafka_commit(consumer.get(), list, sync ? 0 : 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    std::cerr << "actodo: kafka ingress: commit: " << rd_kafka_err2str(err)
              << std::endl; // A later commit covers it.
  rd_kafka_topic_partition_list_destroy(list);
}

void kafka_ingress_state::update_lag() {
  auto now = self->clock().now();
  if (now - last_lag_check < std::chrono::seconds(1))
    return;
  last_lag_check = now;
  rd_kafka_topic_partition_list_t* parts = nullptr;
  if (rd_kafka_assignment(consumer.get(), &parts) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return;
  rd_kafka_position(consumer.get(), parts);
  int64_t lag = 0;
  for (int i = 0; i < parts->cnt; ++i) {
    auto& p = parts->elems[i];
    int64_t low = 0;
    int64_t high = 0;
    if (rd_kafka_get_watermark_offsets(consumer.get(), p.topic, p.partition,
                                       &low, &high)
          == RD_KAFKA_RESP_ERR_NO_ERROR
        && p.offset >= 0 && high > p.offset)
      lag += high - p.offset;
  }
  rd_kafka_topic_partition_list_destroy(parts);
  stats->consumer_lag.set(lag);
}

kafka_ingress_actor::behavior_type
kafka_ingress(kafka_ingress_actor::stateful_pointer<kafka_ingress_state> self,
              actors::user_directory_actor directory,
              actors::ownership_listener_actor ownership,
              kafka_settings settings, std::shared_ptr<kafka_metrics> stats,
              caf::timespan timeout, start_promise started) {
  auto& st = self->state;
  st.self = self;
  st.directory = std::move(directory);
  st.ownership = std::move(ownership);
  st.settings = std::move(settings);
  st.stats = std::move(stats);
  st.timeout = timeout;
  auto producer = make_producer(st.settings, "actodo-ingress-replies", &st,
                                on_delivery);
  auto consumer = producer ? make_consumer(st.settings, "actodo-ingress", &st,
                                           on_rebalance)
                           : caf::expected<kafka_handle>{producer.error()};
  // The bridge reports a failure (and stops the node during its start).
  started->set_value(consumer ? caf::error{} : consumer.error());
  if (!consumer) {
    self->quit(consumer.error());
  } else {
    st.producer = std::move(*producer);
    st.consumer = std::move(*consumer);
    auto topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(
      topics, st.settings.commands_topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto err = rd_kafka_subscribe(st.consumer.get(), topics))
      std::cerr << "actodo: kafka ingress: subscribe: " << rd_kafka_err2str(err)
                << std::endl;
    rd_kafka_topic_partition_list_destroy(topics);
    self->send(self, atom::tick::value);
  }
  return {
    [=](atom::tick) {
      auto& st = self->state;
      if (!st.consumer)
        return;
      st.poll();
      // The poll blocked briefly unless the consumer is paused (too many
      // open commands): then wait for outcomes instead of spinning.
      if (st.open.size() < max_open)
        self->send(self, atom::tick::value);
      else
        self->delayed_send(self, std::chrono::milliseconds(5),
                           atom::tick::value);
    },
    [=](atom::retry, uint64_t token) {
      auto& st = self->state;
      if (!st.consumer || st.open.count(token) == 0)
        return;
      if (st.open[token].error)
        st.reject(token);
      else
        st.dispatch(token);
    },
  };
}

} // namespace actodo::io
