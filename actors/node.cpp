#include "actors/node.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "caf/event_based_actor.hpp"
#include "caf/exit_reason.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/sec.hpp"

#include "actors/accounts.hpp"
#include "actors/gateway_worker.hpp"
#include "actors/hasher.hpp"
#include "actors/journal.hpp"
#include "actors/reminder_scheduler.hpp"
#include "actors/session.hpp"
#include "actors/user_directory.hpp"

namespace actodo::actors {

namespace {

class session_link_impl : public gateway::session_link {
 public:
  explicit session_link_impl(session_actor hdl) : hdl_(std::move(hdl)) {}

  ~session_link_impl() override {
    close();
  }

  void submit(command cmd) override {
    caf::anon_send(hdl_, std::move(cmd));
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
  gateway_impl(caf::actor_system& sys, std::vector<caf::actor> workers,
               user_directory_actor directory, journal_actor journal,
               accounts_actor accounts, caf::timespan timeout,
               std::shared_ptr<actor_metrics> messages)
    : sys_(sys),
      workers_(std::move(workers)),
      directory_(std::move(directory)),
      journal_(std::move(journal)),
      accounts_(std::move(accounts)),
      timeout_(timeout),
      messages_(std::move(messages)) {}

  void occurrences(std::string user, std::string id, int32_t limit,
                   answer<occurrence_list> cb) override {
    ask(std::move(cb), atom::occurs::value, std::move(user), std::move(id),
        limit);
  }

  void preview(std::string user, domain::preview_request req,
               answer<occurrence_list> cb) override {
    ask(std::move(cb), atom::preview::value, std::move(user), std::move(req));
  }

  void submit(command cmd, outcome_callback cb) override {
    ask(std::move(cb), std::move(cmd));
  }

  void list(std::string user, domain::query q, answer<todo_page> cb) override {
    ask(std::move(cb), atom::list::value, std::move(user), std::move(q));
  }

  void get(std::string user, std::string id, answer<domain::todo> cb) override {
    ask(std::move(cb), atom::get::value, std::move(user), std::move(id));
  }

  void notifications(std::string user, bool unread, int32_t limit,
                     answer<notification_page> cb) override {
    ask(std::move(cb), atom::notices::value, std::move(user), unread, limit);
  }

  void profile(std::string user, answer<user_profile> cb) override {
    ask(std::move(cb), atom::projects::value, std::move(user));
  }

  void status(std::string user, std::string id,
              answer<persistence::request_record> cb) override {
    ask(std::move(cb), atom::status::value, std::move(user), std::move(id));
  }

  void ready(answer<bool> cb) override {
    run([=, journal = journal_,
         timeout = timeout_](caf::event_based_actor* self) {
      self->request(journal, timeout, atom::ready::value)
        .then([cb](bool up) { cb(up); },
              [cb](caf::error& err) { cb(std::move(err)); });
    });
  }

  void events(std::string user, int64_t after, int64_t limit,
              answer<std::vector<persistence::event_record>> cb) override {
    run([=, journal = journal_,
         timeout = timeout_](caf::event_based_actor* self) {
      self->request(journal, timeout, atom::events::value, user, after, limit)
        .then(
          [cb](std::vector<persistence::event_record>& events) {
            cb(std::move(events));
          },
          [cb](caf::error& err) { cb(std::move(err)); });
    });
  }

  std::shared_ptr<session_link>
  open_session(std::string user, session_options opts,
               std::shared_ptr<frame_sink> sink) override {
    auto hdl = sys_.spawn(session, std::move(user), opts, directory_, journal_,
                          std::move(sink), timeout_, messages_);
    return std::make_shared<session_link_impl>(std::move(hdl));
  }

  void signup(std::string username, std::string password, std::string remote,
              answer<account_info> cb) override {
    ask_accounts(std::move(cb), atom::signup::value, std::move(username),
                 std::move(password), std::move(remote));
  }

  void login(std::string username, std::string password, std::string remote,
             answer<token_pair> cb) override {
    ask_accounts(std::move(cb), atom::login::value, std::move(username),
                 std::move(password), std::move(remote));
  }

  void refresh(std::string refresh_token, answer<token_pair> cb) override {
    ask_accounts(std::move(cb), atom::refresh::value, std::move(refresh_token));
  }

  void logout(std::string refresh_token, answer<logged_out> cb) override {
    ask_accounts(std::move(cb), atom::logout::value, std::move(refresh_token));
  }

  void me(std::string user_id, answer<account_info> cb) override {
    ask_accounts(std::move(cb), atom::me::value, std::move(user_id));
  }

 private:
  /// Runs `fn(self)` in one of the long-lived gateway workers (round
  /// robin): they make the requests and hand the answers to the callbacks,
  /// so no io thread ever blocks on the actors and no actor is spawned per
  /// call.
  template<class F>
  void run(F fn) {
    auto n = next_.fetch_add(1, std::memory_order_relaxed) % workers_.size();
    caf::anon_send(workers_[n], gateway_job{std::move(fn)});
  }

  /// Asks the directory; the answer goes to the callback.
  template<class T, class... Ts>
  void ask(answer<T> cb, Ts... xs) {
    run([=, directory = directory_,
         timeout = timeout_](caf::event_based_actor* self) {
      self->request(directory, timeout, xs...)
        .then([cb](T& x) { cb(std::move(x)); },
              [cb](caf::error& err) { cb(std::move(err)); });
    });
  }

  /// Asks the accounts actor; the answer goes to the callback.
  template<class T, class... Ts>
  void ask_accounts(answer<T> cb, Ts... xs) {
    run([=, accounts = accounts_,
         timeout = timeout_](caf::event_based_actor* self) {
      self->request(accounts, timeout, xs...)
        .then([cb](T& x) { cb(std::move(x)); },
              [cb](caf::error& err) { cb(std::move(err)); });
    });
  }

  caf::actor_system& sys_;
  std::vector<caf::actor> workers_;
  std::atomic<size_t> next_{0};
  user_directory_actor directory_;
  journal_actor journal_;
  accounts_actor accounts_;
  caf::timespan timeout_;
  /// Where the sessions count their messages.
  std::shared_ptr<actor_metrics> messages_;
};

} // namespace

node::node(caf::actor_system& sys, std::shared_ptr<persistence::store> store,
           std::shared_ptr<persistence::account_store> accounts_store,
           node_settings settings) {
  auto& stats = settings.stats;
  journal_ = sys.spawn<caf::detached>(actors::journal, std::move(store),
                                      settings.journal, stats.journal,
                                      stats.messages);
  scheduler_ = sys.spawn(actors::reminder_scheduler, journal_,
                         settings.reminders, stats.reminders, stats.messages);
  settings.lists.scheduler = scheduler_;
  settings.lists.messages = stats.messages;
  settings.lists.recurrences = stats.reminders;
  directory_ = sys.spawn(actors::user_directory, journal_, settings.lists,
                         stats.lists);
  caf::anon_send(scheduler_, atom::start::value, directory_);
  auto workers = settings.tokens.hash_workers;
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
  auto n = std::max(2u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i)
    gateway_workers_.push_back(sys.spawn(gateway_worker));
  gateway_ = std::make_unique<gateway_impl>(sys, gateway_workers_, directory_,
                                            journal_, accounts_,
                                            settings.lists.request_timeout,
                                            stats.messages);
}

node::~node() {
  shutdown();
}

void node::shutdown() {
  for (auto& w : gateway_workers_)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  if (scheduler_)
    caf::anon_send_exit(scheduler_, caf::exit_reason::user_shutdown);
  scheduler_ = nullptr;
  if (directory_) {
    caf::anon_send_exit(directory_, caf::exit_reason::user_shutdown);
    directory_ = nullptr;
  }
  for (auto& hdl : adopted_)
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  adopted_.clear();
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
