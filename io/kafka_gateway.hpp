#pragma once

#include <atomic>
#include <thread>

#include "actors/gateway.hpp"
#include "io/kafka_client.hpp"

namespace actodo::io {

/// Gateway mode (`kafka.route-http`): writes (create, update, delete) are
/// produced to the commands topic as CloudEvents, and answered 202 once the
/// broker acknowledged them; the ingress applies them like any other
/// record and the result reaches the user's WebSockets as usual. Every
/// other call goes to the node's gateway. Owns one thread serving the
/// producer's delivery reports.
class kafka_gateway : public actors::gateway {
 public:
  kafka_gateway(actors::gateway& inner, kafka_settings settings,
                kafka_handle producer);

  ~kafka_gateway() override;

  /// Delivery reports come here (opaque: the heap-allocated callback).
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*);

  void submit(actors::command cmd, outcome_callback cb) override;
  void list(std::string user, actors::domain::query q,
            answer<actors::todo_page> cb) override;
  void get(std::string user, std::string todo_id,
           answer<actors::domain::todo> cb) override;
  void profile(std::string user, answer<actors::user_profile> cb) override;
  void notifications(std::string user, bool unread, int32_t limit,
                     answer<actors::notification_page> cb) override;
  void occurrences(std::string user, std::string todo_id, int32_t limit,
                   answer<actors::occurrence_list> cb) override;
  void preview(std::string user, actors::domain::preview_request req,
               answer<actors::occurrence_list> cb) override;
  void ready(answer<bool> cb) override;
  void status(std::string user, std::string request_id,
              answer<persistence::request_record> cb) override;
  void events(std::string user, int64_t after, int64_t limit,
              answer<std::vector<persistence::event_record>> cb) override;
  std::shared_ptr<session_link>
  open_session(std::string user, actors::session_options opts,
               std::shared_ptr<actors::frame_sink> sink) override;
  void signup(std::string username, std::string password, std::string remote,
              answer<actors::account_info> cb) override;
  void login(std::string username, std::string password, std::string remote,
             answer<actors::token_pair> cb) override;
  void refresh(std::string refresh_token,
               answer<actors::token_pair> cb) override;
  void logout(std::string refresh_token,
              answer<actors::logged_out> cb) override;
  void me(std::string user_id, answer<actors::account_info> cb) override;

 private:
  actors::gateway& inner_;
  kafka_settings settings_;
  kafka_handle producer_;
  std::atomic<bool> running_{true};
  std::thread poller_;
};

} // namespace actodo::io
