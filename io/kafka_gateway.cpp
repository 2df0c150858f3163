#include "io/kafka_gateway.hpp"

#include "actors/problem.hpp"
#include "io/cloud_events.hpp"

namespace actodo::io {

namespace {

struct waiting {
  std::string request_id;
  actors::gateway::callback cb;
};

} // namespace

kafka_gateway::kafka_gateway(actors::gateway& inner, kafka_settings settings,
                             kafka_handle producer)
  : inner_(inner),
    settings_(std::move(settings)),
    producer_(std::move(producer)) {
  poller_ = std::thread{[this] {
    while (running_)
      rd_kafka_poll(producer_.get(), 100);
  }};
}

kafka_gateway::~kafka_gateway() {
  rd_kafka_flush(producer_.get(), 2000);
  running_ = false;
  poller_.join();
  rd_kafka_poll(producer_.get(), 0);
}

void kafka_gateway::on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                                void*) {
  std::unique_ptr<waiting> w{static_cast<waiting*>(msg->_private)};
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    w->cb(actors::problem_reply(503, std::string{"Kafka did not accept the "
                                                 "command: "}
                                       + rd_kafka_err2str(msg->err)));
    return;
  }
  actors::reply r;
  r.status = 202;
  r.request_id = w->request_id;
  r.state = "pending";
  r.body = R"({"request_id":")" + w->request_id + R"(","state":"pending"})";
  w->cb(std::move(r));
}

void kafka_gateway::submit(actors::command cmd, callback cb) {
  using actors::command_op;
  if (cmd.op != command_op::create && cmd.op != command_op::update
      && cmd.op != command_op::remove)
    return inner_.submit(std::move(cmd), std::move(cb));
  auto msg = command_message(cmd);
  auto w = new waiting{cmd.request_id, cb};
  auto err = io::produce(producer_.get(), settings_.commands_topic, cmd.user_id,
                         msg.value, msg.headers, w);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    delete w;
    cb(actors::problem_reply(503, std::string{"cannot produce the command: "}
                                    + rd_kafka_err2str(err)));
  }
}

void kafka_gateway::list(std::string user, std::vector<std::string> params,
                         callback cb) {
  inner_.list(std::move(user), std::move(params), std::move(cb));
}

void kafka_gateway::get(std::string user, std::string todo_id, callback cb) {
  inner_.get(std::move(user), std::move(todo_id), std::move(cb));
}

void kafka_gateway::occurrences(std::string user, std::string todo_id,
                                int32_t limit, callback cb) {
  inner_.occurrences(std::move(user), std::move(todo_id), limit, std::move(cb));
}

void kafka_gateway::preview(std::string user, std::vector<std::string> params,
                            callback cb) {
  inner_.preview(std::move(user), std::move(params), std::move(cb));
}

void kafka_gateway::status(std::string user, std::string request_id,
                           callback cb) {
  inner_.status(std::move(user), std::move(request_id), std::move(cb));
}

void kafka_gateway::events(std::string user, int64_t after, int64_t limit,
                           callback cb) {
  inner_.events(std::move(user), after, limit, std::move(cb));
}

std::shared_ptr<actors::gateway::session_link>
kafka_gateway::open_session(std::string user, actors::session_options opts,
                            std::shared_ptr<actors::frame_sink> sink) {
  return inner_.open_session(std::move(user), opts, std::move(sink));
}

void kafka_gateway::account(actors::account_op op, std::string a, std::string b,
                            std::string remote, callback cb) {
  inner_.account(op, std::move(a), std::move(b), std::move(remote),
                 std::move(cb));
}

} // namespace actodo::io
