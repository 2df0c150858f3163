#pragma once

// A gateway that records what the router asked for and answers every call
// at once, and a fixture that runs requests through a router on it.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/gateway.hpp"
#include "config/error.hpp"
#include "web/router.hpp"

#include "tests/web/problem_check.hpp"

namespace actodo::test {

class fake_gateway : public actors::gateway {
 public:
  std::vector<std::string> calls;

  actors::command_outcome outcome;

  actors::command last;

  /// What the account calls answer.
  caf::expected<actors::account_info> account = actors::account_info{
    "u_1", "alice", 0};
  caf::expected<actors::token_pair> tokens = actors::token_pair{};
  caf::expected<actors::logged_out> logout_answer = actors::logged_out{};

  void submit(actors::command cmd, outcome_callback cb) override {
    calls.push_back("submit " + cmd.user_id + " " + cmd.todo_id);
    last = std::move(cmd);
    cb(outcome);
  }
  void list(std::string user, actors::domain::query,
            answer<actors::todo_page> cb) override {
    calls.push_back("list " + user);
    cb(actors::todo_page{});
  }
  void get(std::string user, std::string id,
           answer<actors::domain::todo> cb) override {
    calls.push_back("get " + user + " " + id);
    if (id == "t9")
      return cb(make_field_error(ec::not_found, "id", "no todo with id t9"));
    actors::domain::todo t;
    t.id = id;
    cb(std::move(t));
  }
  void notifications(std::string user, bool, int32_t,
                     answer<actors::notification_page> cb) override {
    calls.push_back("notifications " + user);
    cb(actors::notification_page{});
  }
  void profile(std::string user, answer<actors::user_profile> cb) override {
    calls.push_back("profile " + user);
    cb(actors::user_profile{{}, {actors::domain::default_inbox()}});
  }
  void occurrences(std::string user, std::string id, int32_t,
                   answer<actors::occurrence_list> cb) override {
    calls.push_back("occurrences " + user + " " + id);
    cb(actors::occurrence_list{});
  }
  void preview(std::string user, actors::domain::preview_request,
               answer<actors::occurrence_list> cb) override {
    calls.push_back("preview " + user);
    cb(make_field_error(ec::busy, "rrule", "an earlier one still runs"));
  }
  /// What `/readyz` hears: ready, or the store's error.
  caf::expected<bool> readiness = true;
  void ready(answer<bool> cb) override {
    cb(readiness);
  }
  void status(std::string user, std::string id,
              answer<persistence::request_record> cb) override {
    calls.push_back("status " + user + " " + id);
    cb(persistence::request_record{});
  }
  /// Events after 7 were removed by the retention; others are empty.
  void events(std::string user, int64_t after, int64_t,
              answer<std::vector<persistence::event_record>> cb) override {
    calls.push_back("events " + user);
    if (after == 7)
      cb(make_field_error(ec::gone, "after",
                          "events up to sequence 9 were removed"));
    else
      cb(std::vector<persistence::event_record>{});
  }
  std::shared_ptr<session_link>
  open_session(std::string, actors::session_options,
               std::shared_ptr<actors::frame_sink>) override {
    return nullptr;
  }
  void signup(std::string username, std::string password, std::string remote,
              answer<actors::account_info> cb) override {
    calls.push_back("signup " + username + " " + password + " " + remote);
    cb(account);
  }
  void login(std::string username, std::string password, std::string remote,
             answer<actors::token_pair> cb) override {
    calls.push_back("login " + username + " " + password + " " + remote);
    cb(tokens);
  }
  void refresh(std::string token, answer<actors::token_pair> cb) override {
    calls.push_back("refresh " + token);
    cb(tokens);
  }
  void logout(std::string token, answer<actors::logged_out> cb) override {
    calls.push_back("logout " + token);
    cb(logout_answer);
  }
  void me(std::string user, answer<actors::account_info> cb) override {
    calls.push_back("me " + user);
    cb(account);
  }
};

/// A router (on `cfg`, which it keeps by reference) over a fake gateway.
struct router_fixture {
  router_fixture() : routes(gate, cfg) {}

  web::http_response
  call(std::string method, std::string path, std::string body = {},
       std::vector<std::pair<std::string, std::string>> query = {}) {
    web::http_request req;
    req.query = std::move(query);
    req.method = std::move(method);
    req.path = std::move(path);
    req.remote = "10.0.0.1";
    req.headers = headers;
    req.headers.emplace_back("host", "127.0.0.1:8080");
    if (!body.empty())
      req.headers.emplace_back("content-type", "application/json");
    req.body = std::move(body);
    return send(std::move(req));
  }

  /// Runs `req` through the router as it is (no headers added).
  web::http_response send(web::http_request req) {
    web::http_response out;
    out.status = 0;
    routes.handle(std::move(req),
                  [&out](web::http_response res) { out = res; });
    return out;
  }

  /// Empty when `GET path?query` is answered with a `status` problem
  /// naming `field`, else the query and what differs.
  std::string
  refused_query(const std::string& path,
                const std::vector<std::pair<std::string, std::string>>& query,
                int status, const std::string& field) {
    auto why = problem_mismatch(call("GET", path, {}, query), status, field);
    if (why.empty())
      return why;
    auto text = path + "?";
    for (auto& [key, value] : query)
      text += key + "=" + value + "&";
    return text + ": " + why;
  }

  static std::string header(const web::http_response& res,
                            std::string_view name) {
    for (auto& [key, value] : res.headers)
      if (key == name)
        return value;
    return {};
  }

  /// Sent with every request.
  std::vector<std::pair<std::string, std::string>> headers;
  web::settings cfg;
  fake_gateway gate;
  web::router routes;
};

} // namespace actodo::test
