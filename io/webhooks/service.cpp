#include "io/webhooks/service.hpp"

#include "caf/send.hpp"

#include "actors/gateway_worker.hpp"
#include "io/webhooks/http_poster.hpp"
#include "io/webhooks/webhooks.hpp"

namespace actodo::io::webhooks {

namespace {

using persistence::delivery_record;
using persistence::webhook_record;

/// Hands each call to the long-lived worker, which asks the `webhooks`
/// actor and answers the callback (no io thread waits, no actor per call).
class gateway_impl : public actors::webhook_gateway {
 public:
  gateway_impl(caf::actor worker, actors::webhooks_actor hooks,
               caf::timespan timeout)
    : worker_(std::move(worker)), hooks_(std::move(hooks)), timeout_(timeout) {}

  void create(std::string user, actors::webhook_spec spec,
              answer<webhook_record> cb) override {
    ask(std::move(cb), atom::create::value, std::move(user), std::move(spec));
  }

  void list(std::string user, answer<std::vector<webhook_record>> cb) override {
    ask(std::move(cb), atom::list::value, std::move(user));
  }

  void get(std::string user, std::string id,
           answer<webhook_record> cb) override {
    ask(std::move(cb), atom::get::value, std::move(user), std::move(id));
  }

  void update(std::string user, std::string id, actors::webhook_spec spec,
              answer<webhook_record> cb) override {
    ask(std::move(cb), atom::update::value, std::move(user), std::move(id),
        std::move(spec));
  }

  void remove(std::string user, std::string id, answer<bool> cb) override {
    ask(std::move(cb), atom::remove::value, std::move(user), std::move(id));
  }

  void deliveries(std::string user, std::string id, int64_t limit,
                  answer<std::vector<delivery_record>> cb) override {
    ask(std::move(cb), atom::deliveries::value, std::move(user), std::move(id),
        limit);
  }

  void replay(std::string user, std::string id, int64_t from_sequence,
              answer<webhook_record> cb) override {
    ask(std::move(cb), atom::replay::value, std::move(user), std::move(id),
        from_sequence);
  }

 private:
  template<class T, class... Ts>
  void ask(answer<T> cb, Ts... xs) {
    actors::ask_through<T>(worker_, hooks_, timeout_, std::move(cb),
                           std::move(xs)...);
  }

  caf::actor worker_;
  actors::webhooks_actor hooks_;
  caf::timespan timeout_;
};

} // namespace

service::service(caf::actor_system& sys,
                 std::shared_ptr<persistence::webhook_store> store,
                 config::webhook_options options, actors::journal_actor journal,
                 actors::user_directory_actor directory, caf::timespan timeout,
                 bool clustered, std::shared_ptr<webhook_metrics> stats) {
  poster_settings pcfg;
  pcfg.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    options.timeout);
  pcfg.allow_private = options.allow_private;
  poster_ = std::make_shared<http_poster>(pcfg);
  webhooks_settings cfg;
  cfg.options = options;
  cfg.journal = journal;
  cfg.directory = std::move(directory);
  cfg.poster = poster_;
  cfg.request_timeout = timeout;
  cfg.clustered = clustered;
  cfg.stats = std::move(stats);
  actor_ = sys.spawn<caf::detached>(webhooks, std::move(store), std::move(cfg));
  caf::anon_send(journal, atom::committed::value,
                 actors::commit_listener_actor{actor_});
  worker_ = sys.spawn(actors::gateway_worker);
  // A URL check may take the poster's whole timeout: allow for it.
  gate_ = std::make_unique<gateway_impl>(worker_, actor_,
                                         timeout + options.timeout);
}

service::~service() {
  shutdown();
}

void service::shutdown() {
  if (worker_) {
    caf::anon_send_exit(worker_, caf::exit_reason::user_shutdown);
    worker_ = nullptr;
  }
  if (actor_) {
    // Store the last attempts and cursors before it stops.
    caf::anon_send(actor_, atom::flush::value);
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    actor_ = nullptr;
  }
  if (poster_)
    poster_->stop();
}

} // namespace actodo::io::webhooks
