#include "io/jobs/service.hpp"

#include "caf/send.hpp"

#include "actors/gateway_worker.hpp"

namespace actodo::io::jobs {

namespace {

using persistence::job_record;

/// Hands each call to the long-lived worker, which asks the `jobs` actor
/// and answers the callback (no io thread waits, no actor per call).
class gateway_impl : public actors::job_gateway {
 public:
  gateway_impl(caf::actor worker, actors::jobs_actor jobs,
               caf::timespan timeout)
    : worker_(std::move(worker)), jobs_(std::move(jobs)), timeout_(timeout) {}

  void import(std::string user, std::string format, std::string key,
              std::string payload, answer<job_record> cb) override {
    // The payload is moved into the message, never copied (up to
    // --imports.max-bytes).
    auto msg = std::make_shared<std::string>(std::move(payload));
    auto job = [cb = std::move(cb), jobs = jobs_, timeout = timeout_,
                user = std::move(user), format = std::move(format),
                key = std::move(key), msg](caf::event_based_actor* self) {
      self
        ->request(jobs, timeout, atom::create::value, user, format, key,
                  std::move(*msg))
        .then([cb](job_record& x) { cb(std::move(x)); },
              [cb](caf::error& err) { cb(std::move(err)); });
    };
    caf::anon_send(worker_, actors::gateway_job{std::move(job)});
  }

  void get(std::string user, std::string id,
           answer<actors::job_view> cb) override {
    ask(std::move(cb), atom::get::value, std::move(user), std::move(id));
  }

  void cancel(std::string user, std::string id,
              answer<job_record> cb) override {
    ask(std::move(cb), atom::cancel::value, std::move(user), std::move(id));
  }

 private:
  template<class T, class... Ts>
  void ask(answer<T> cb, Ts... xs) {
    actors::ask_through<T>(worker_, jobs_, timeout_, std::move(cb),
                           std::move(xs)...);
  }

  caf::actor worker_;
  actors::jobs_actor jobs_;
  caf::timespan timeout_;
};

} // namespace

service::service(caf::actor_system& sys,
                 std::shared_ptr<persistence::job_store> store,
                 jobs_settings cfg) {
  auto timeout = cfg.request_timeout;
  actor_ = sys.spawn<caf::detached>(jobs, std::move(store), std::move(cfg));
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

} // namespace actodo::io::jobs
