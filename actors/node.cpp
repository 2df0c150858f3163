#include "actors/node.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "caf/event_based_actor.hpp"
#include "caf/exit_reason.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/sec.hpp"
#include <nlohmann/json.hpp>

#include "actors/accounts.hpp"
#include "actors/hasher.hpp"
#include "actors/inspector.hpp"
#include "actors/journal.hpp"
#include "actors/problem.hpp"
#include "actors/reminder_scheduler.hpp"
#include "actors/session.hpp"
#include "actors/user_directory.hpp"

namespace actodo::actors {

namespace {

/// Maps a failed request to a problem reply.
reply error_reply(const caf::error& err) {
  reply r;
  r.status = err == caf::sec::request_timeout ? 504 : 503;
  r.body = make_problem(r.status, "the request could not be completed: "
                                    + caf::to_string(err));
  return r;
}

class session_link_impl : public gateway::session_link {
 public:
  explicit session_link_impl(session_actor hdl) : hdl_(std::move(hdl)) {}

  ~session_link_impl() override {
    close();
  }

  void input(std::string text) override {
    caf::anon_send(hdl_, atom::input::value, std::move(text));
  }

  void close() override {
    if (!closed_.test_and_set())
      caf::anon_send_exit(hdl_, caf::exit_reason::user_shutdown);
  }

 private:
  session_actor hdl_;
  std::atomic_flag closed_ = ATOMIC_FLAG_INIT;
};

class gateway_impl : public gateway {
 public:
  gateway_impl(caf::actor_system& sys, user_directory_actor directory,
               journal_actor journal, accounts_actor accounts,
               caf::timespan timeout, std::shared_ptr<config::metrics> stats)
    : sys_(sys),
      directory_(std::move(directory)),
      journal_(std::move(journal)),
      accounts_(std::move(accounts)),
      timeout_(timeout),
      stats_(std::move(stats)) {}

  void occurrences(std::string user, std::string id, int32_t limit,
                   callback cb) override {
    ask(std::move(cb), atom::occurs::value, std::move(user), std::move(id),
        limit);
  }

  void preview(std::string user, std::vector<std::string> params,
               callback cb) override {
    ask(std::move(cb), atom::preview::value, std::move(user),
        std::move(params));
  }

  void submit(command cmd, callback cb) override {
    ask(std::move(cb), std::move(cmd));
  }

  void list(std::string user, std::vector<std::string> params,
            callback cb) override {
    ask(std::move(cb), atom::list::value, std::move(user), std::move(params));
  }

  void get(std::string user, std::string id, callback cb) override {
    ask(std::move(cb), atom::get::value, std::move(user), std::move(id));
  }

  void status(std::string user, std::string id, callback cb) override {
    ask(std::move(cb), atom::status::value, std::move(user), std::move(id));
  }

  void events(std::string user, int64_t after, int64_t limit,
              callback cb) override {
    auto journal = journal_;
    auto timeout = timeout_;
    run([=](caf::event_based_actor* self) {
      self->request(journal, timeout, atom::events::value, user, after, limit)
        .then(
          [cb](std::vector<persistence::event_record>& events) {
            reply r;
            r.body = R"({"items":[)";
            for (size_t i = 0; i < events.size(); ++i) {
              if (i > 0)
                r.body += ',';
              r.body += events[i].json;
            }
            r.body += "]}";
            cb(std::move(r));
          },
          [cb](caf::error& err) { cb(error_reply(err)); });
    });
  }

  std::shared_ptr<session_link>
  open_session(std::string user, session_options opts,
               std::shared_ptr<frame_sink> sink) override {
    auto hdl = sys_.spawn(session, std::move(user), opts, directory_, journal_,
                          std::move(sink), timeout_, stats_);
    return std::make_shared<session_link_impl>(std::move(hdl));
  }

  void account(account_op op, std::string a, std::string b, std::string remote,
               callback cb) override {
    auto target = accounts_;
    auto timeout = timeout_;
    run([=](caf::event_based_actor* self) {
      auto on_reply = [cb](reply& r) { cb(std::move(r)); };
      auto on_error = [cb](caf::error& err) { cb(error_reply(err)); };
      switch (op) {
        case account_op::signup:
          self->request(target, timeout, atom::signup::value, a, b, remote)
            .then(on_reply, on_error);
          break;
        case account_op::login:
          self->request(target, timeout, atom::login::value, a, b, remote)
            .then(on_reply, on_error);
          break;
        case account_op::refresh:
          self->request(target, timeout, atom::refresh::value, a)
            .then(on_reply, on_error);
          break;
        case account_op::logout:
          self->request(target, timeout, atom::logout::value, a)
            .then(on_reply, on_error);
          break;
        case account_op::me:
          self->request(target, timeout, atom::me::value, a)
            .then(on_reply, on_error);
          break;
      }
    });
  }

 private:
  /// Runs `fn(self)` in a fresh short-lived actor. `fn` travels as a spawn
  /// argument: CAF 0.17 dereferences a null `shared_ptr<tuple<>>` when a
  /// function-based actor gets no arguments (UBSan reports it).
  template<class F>
  void run(F fn) {
    sys_.spawn([](caf::event_based_actor* self, const F& f) { f(self); },
               std::move(fn));
  }

  /// One short-lived actor per call: it makes the request and hands the
  /// reply to the callback, so no io thread ever blocks on the actors.
  template<class... Ts>
  void ask(callback cb, Ts... xs) {
    auto directory = directory_;
    auto timeout = timeout_;
    run([=](caf::event_based_actor* self) {
      self->request(directory, timeout, xs...)
        .then([cb](reply& r) { cb(std::move(r)); },
              [cb](caf::error& err) { cb(error_reply(err)); });
    });
  }

  caf::actor_system& sys_;
  user_directory_actor directory_;
  journal_actor journal_;
  accounts_actor accounts_;
  caf::timespan timeout_;
  std::shared_ptr<config::metrics> stats_;
};

} // namespace

node::node(caf::actor_system& sys, std::shared_ptr<persistence::store> store,
           std::shared_ptr<persistence::account_store> accounts_store,
           node_settings settings) {
  journal_ = sys.spawn<caf::detached>(actors::journal, std::move(store),
                                      settings.max_batch, settings.retention,
                                      settings.stats);
  scheduler_ = sys.spawn(actors::reminder_scheduler, journal_,
                         settings.reminders, settings.stats);
  settings.lists.scheduler = scheduler_;
  directory_ = sys.spawn(actors::user_directory, journal_, settings.lists,
                         settings.stats);
  caf::anon_send(scheduler_, atom::start::value, directory_);
  auto workers = settings.tokens.limits.hash_workers;
  if (workers == 0)
    workers = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < workers; ++i)
    hashers_.push_back(sys.spawn<caf::detached>(actors::hasher, i));
  // A password check that waited too long is answered 503 by the accounts
  // actor well before the web layer's 504, so a 504 never hides a
  // registration or login that still completes afterwards.
  settings.tokens.hash_timeout = settings.lists.request_timeout / 3;
  accounts_ = sys.spawn<caf::detached>(actors::accounts,
                                       std::move(accounts_store),
                                       std::move(settings.tokens), hashers_);
  inspector_ = sys.spawn(actors::inspector, settings.admin_token, directory_,
                         settings.stats, settings.lists.request_timeout,
                         scheduler_);
  gateway_ = std::make_unique<gateway_impl>(sys, directory_, journal_,
                                            accounts_,
                                            settings.lists.request_timeout,
                                            settings.stats);
}

node::~node() {
  shutdown();
}

void node::shutdown() {
  if (scheduler_)
    caf::anon_send_exit(scheduler_, caf::exit_reason::user_shutdown);
  scheduler_ = nullptr;
  if (directory_) {
    caf::anon_send_exit(directory_, caf::exit_reason::user_shutdown);
    directory_ = nullptr;
  }
  if (inspector_) {
    caf::anon_send_exit(inspector_, caf::exit_reason::user_shutdown);
    inspector_ = nullptr;
  }
  if (accounts_) {
    caf::anon_send_exit(accounts_, caf::exit_reason::user_shutdown);
    accounts_ = nullptr;
  }
  for (auto& hdl : hashers_)
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  hashers_.clear();
  if (journal_) {
    // Let the journal commit what is queued before it stops.
    caf::anon_send(journal_, atom::flush::value);
    caf::anon_send_exit(journal_, caf::exit_reason::user_shutdown);
    journal_ = nullptr;
  }
}

} // namespace actodo::actors
