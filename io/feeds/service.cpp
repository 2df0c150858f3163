#include "io/feeds/service.hpp"

#include "caf/send.hpp"

#include "actors/gateway_worker.hpp"

namespace actodo::io::feeds {

namespace {

using persistence::feed_record;

/// Hands each call to the long-lived worker, which asks the `feeds` actor
/// and answers the callback.
class gateway_impl : public actors::feed_gateway {
 public:
  gateway_impl(caf::actor worker, actors::feeds_actor feeds,
               caf::timespan timeout)
    : worker_(std::move(worker)), feeds_(std::move(feeds)), timeout_(timeout) {}

  void create(std::string user, std::string description,
              answer<actors::feed_created> cb) override {
    ask(std::move(cb), atom::create::value, std::move(user),
        std::move(description));
  }

  void list(std::string user, answer<std::vector<feed_record>> cb) override {
    ask(std::move(cb), atom::list::value, std::move(user));
  }

  void revoke(std::string user, std::string id, answer<bool> cb) override {
    ask(std::move(cb), atom::remove::value, std::move(user), std::move(id));
  }

  void owner(std::string token, answer<std::string> cb) override {
    ask(std::move(cb), atom::find::value, std::move(token));
  }

 private:
  template<class T, class... Ts>
  void ask(answer<T> cb, Ts... xs) {
    actors::ask_through<T>(worker_, feeds_, timeout_, std::move(cb),
                           std::move(xs)...);
  }

  caf::actor worker_;
  actors::feeds_actor feeds_;
  caf::timespan timeout_;
};

} // namespace

service::service(caf::actor_system& sys,
                 std::shared_ptr<persistence::feed_store> store,
                 feeds_settings cfg, caf::timespan timeout) {
  actor_ = sys.spawn<caf::detached>(feeds, std::move(store), cfg);
  worker_ = sys.spawn(actors::gateway_worker);
  gate_ = std::make_unique<gateway_impl>(worker_, actor_, timeout);
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
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    actor_ = nullptr;
  }
}

} // namespace actodo::io::feeds
