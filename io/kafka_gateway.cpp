#include "io/kafka_gateway.hpp"

#include "config/error.hpp"
#include "io/cloud_events.hpp"

namespace actodo::io {

namespace {

struct waiting {
  std::string request_id;
  actors::gateway::outcome_callback cb;
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
    w->cb(caf::make_error(ec::store_failure,
                          std::string{"Kafka did not accept the command: "}
                            + rd_kafka_err2str(msg->err)));
    return;
  }
  actors::command_outcome x;
  x.code = actors::outcome_code::accepted;
  x.request_id = w->request_id;
  w->cb(std::move(x));
}

void kafka_gateway::submit(actors::command cmd, outcome_callback cb) {
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
    cb(caf::make_error(ec::store_failure,
                       std::string{"cannot produce the command: "}
                         + rd_kafka_err2str(err)));
  }
}

void kafka_gateway::list(std::string user, actors::domain::query q,
                         answer<actors::todo_page> cb) {
  inner_.list(std::move(user), std::move(q), std::move(cb));
}

void kafka_gateway::get(std::string user, std::string todo_id,
                        answer<actors::domain::todo> cb) {
  inner_.get(std::move(user), std::move(todo_id), std::move(cb));
}

void kafka_gateway::notifications(std::string user, bool unread, int32_t limit,
                                  answer<actors::notification_page> cb) {
  inner_.notifications(std::move(user), unread, limit, std::move(cb));
}

void kafka_gateway::profile(std::string user, answer<actors::user_profile> cb) {
  inner_.profile(std::move(user), std::move(cb));
}

void kafka_gateway::occurrences(std::string user, std::string todo_id,
                                int32_t limit,
                                answer<actors::occurrence_list> cb) {
  inner_.occurrences(std::move(user), std::move(todo_id), limit, std::move(cb));
}

void kafka_gateway::preview(std::string user,
                            actors::domain::preview_request req,
                            answer<actors::occurrence_list> cb) {
  inner_.preview(std::move(user), std::move(req), std::move(cb));
}

void kafka_gateway::ready(answer<bool> cb) {
  inner_.ready(std::move(cb));
}

void kafka_gateway::status(std::string user, std::string request_id,
                           answer<persistence::request_record> cb) {
  inner_.status(std::move(user), std::move(request_id), std::move(cb));
}

void kafka_gateway::events(std::string user, int64_t after, int64_t limit,
                           answer<std::vector<persistence::event_record>> cb) {
  inner_.events(std::move(user), after, limit, std::move(cb));
}

std::shared_ptr<actors::gateway::session_link>
kafka_gateway::open_session(std::string user, actors::session_options opts,
                            std::shared_ptr<actors::frame_sink> sink) {
  return inner_.open_session(std::move(user), opts, std::move(sink));
}

void kafka_gateway::signup(std::string username, std::string password,
                           std::string remote,
                           answer<actors::account_info> cb) {
  inner_.signup(std::move(username), std::move(password), std::move(remote),
                std::move(cb));
}

void kafka_gateway::login(std::string username, std::string password,
                          std::string remote, answer<actors::token_pair> cb) {
  inner_.login(std::move(username), std::move(password), std::move(remote),
               std::move(cb));
}

void kafka_gateway::refresh(std::string refresh_token,
                            answer<actors::token_pair> cb) {
  inner_.refresh(std::move(refresh_token), std::move(cb));
}

void kafka_gateway::logout(std::string refresh_token,
                           answer<actors::logged_out> cb) {
  inner_.logout(std::move(refresh_token), std::move(cb));
}

void kafka_gateway::me(std::string user_id, answer<actors::account_info> cb) {
  inner_.me(std::move(user_id), std::move(cb));
}

} // namespace actodo::io
