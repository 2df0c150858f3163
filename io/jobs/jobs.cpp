#include "io/jobs/jobs.hpp"

#include <iostream>

#include "caf/actor_cast.hpp"
#include "caf/send.hpp"
#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/auth/crypto.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/codec/import_codec.hpp"
#include "io/jobs/import_job.hpp"

namespace actodo::io::jobs {

namespace {

using persistence::job_record;

caf::error no_job(const std::string& id) {
  return make_field_error(ec::not_found, "id", "no job with id " + id);
}

std::optional<codec::import_format> format_named(const std::string& name) {
  using codec::import_format;
  for (auto x : {import_format::ics, import_format::json, import_format::csv})
    if (codec::to_string(x) == name)
      return x;
  return std::nullopt;
}

} // namespace

std::string job_frame(const job_record& job) {
  nlohmann::json frame{{"type", "job"},      {"job_id", job.id},
                       {"state", job.state}, {"done", job.done},
                       {"total", job.total}, {"failed", job.failed}};
  return frame.dump();
}

void jobs_state::start_up(actors::jobs_actor::pointer ptr,
                          std::shared_ptr<persistence::job_store> db,
                          jobs_settings cfg) {
  self = ptr;
  store = std::move(db);
  settings = std::move(cfg);
  start_queued();
  pay_owed();
}

void jobs_state::start_queued() {
  auto max = static_cast<size_t>(settings.options.max_running);
  if (running.size() >= max)
    return;
  std::vector<std::string> ids;
  for (auto& kvp : running)
    ids.push_back(kvp.first);
  auto now = actors::domain::now_ms();
  auto jobs = store->claim_jobs(settings.node, ids, now, lease_end(),
                                static_cast<int64_t>(max - running.size()));
  if (!jobs) {
    // Nothing is lost: they stay in the store for the next tick.
    std::cerr << "actodo: import jobs not started: " << describe(jobs.error())
              << '\n';
    return;
  }
  for (auto& job : *jobs) {
    auto payload = store->job_payload(job.id);
    if (!payload) {
      std::cerr << "actodo: import job " << job.id
                << " not started: " << describe(payload.error()) << '\n';
      continue;
    }
    // From the store: it may have run before (a crash, another node).
    run(job, std::make_shared<const std::string>(std::move(*payload)), nullptr,
        true);
  }
}

void jobs_state::tick() {
  if (!running.empty()) {
    std::vector<std::string> ids;
    for (auto& kvp : running)
      ids.push_back(kvp.first);
    if (auto err = store->renew_jobs(settings.node, ids, lease_end()))
      std::cerr << "actodo: import job leases not renewed: " << describe(err)
                << '\n';
  }
  start_queued();
  pay_owed();
  self->delayed_send(self, settings.renew_interval, atom::tick::value);
}

int64_t jobs_state::lease_end() const {
  return actors::domain::now_ms()
         + std::chrono::duration_cast<std::chrono::milliseconds>(settings.lease)
             .count();
}

void jobs_state::fail(const job_record& job, std::string detail) {
  persistence::job_progress failed;
  failed.id = job.id;
  failed.node = settings.node;
  failed.state = "failed";
  failed.done = job.done;
  failed.failed = job.failed;
  failed.detail = std::move(detail);
  failed.updated_ms = actors::domain::now_ms();
  auto ok = store->record_progress(failed);
  if (!ok)
    std::cerr << "actodo: import job " << job.id << ": " << describe(ok.error())
              << '\n';
  else if (*ok) {
    auto rec = job;
    rec.state = failed.state;
    notify(rec.user_id, rec);
  }
}

caf::result<job_record>
jobs_state::create(const std::string& user, const std::string& format,
                   const std::string& key, std::string& payload) {
  auto fmt = format_named(format);
  if (!fmt)
    return make_field_error(ec::invalid_field, "format",
                            "must be ics, json or csv");
  auto fingerprint = actors::auth::sha256_hex(format + '\n' + payload);
  // The same upload again (a client that lost the answer) is the same job.
  auto earlier = [&]() -> caf::expected<std::optional<job_record>> {
    if (key.empty())
      return std::optional<job_record>{};
    auto found = store->find_keyed_job(user, key);
    if (!found || !*found || (*found)->fingerprint == fingerprint)
      return found;
    return make_field_error(ec::conflict, "Idempotency-Key",
                            "Idempotency-Key was used for another upload");
  };
  if (auto found = earlier(); !found)
    return std::move(found.error());
  else if (*found)
    return std::move(**found);
  auto index = std::make_shared<codec::import_index>();
  auto max_items = static_cast<size_t>(settings.options.max_items);
  if (auto err = codec::index_import(*fmt, payload, max_items, *index)) {
    auto code = err->field == "items" ? ec::limit_exceeded : ec::invalid_field;
    return make_field_error(code, err->field, err->detail);
  }
  job_record job;
  job.id = actors::new_id("job_");
  job.user_id = user;
  job.node = settings.node;
  job.format = format;
  job.total = static_cast<int64_t>(index->items.size());
  job.created_ms = job.updated_ms = actors::domain::now_ms();
  job.lease_until_ms = lease_end();
  job.idempotency_key = key;
  job.fingerprint = fingerprint;
  if (auto err = store->create_job(job, payload, settings.options.max_active)) {
    if (err != ec::conflict || key.empty())
      return err;
    // Another node stored the same key in the meantime.
    auto found = earlier();
    if (!found)
      return std::move(found.error());
    if (!*found)
      return err;
    return std::move(**found);
  }
  notify(user, job);
  // Beyond `max_running` it waits in the store (its file not in memory).
  if (running.size() < static_cast<size_t>(settings.options.max_running))
    run(job, std::make_shared<const std::string>(std::move(payload)),
        std::move(index), false);
  return job;
}

void jobs_state::run(const job_record& job,
                     std::shared_ptr<const std::string> payload,
                     std::shared_ptr<const codec::import_index> index,
                     bool resumed) {
  if (!index) {
    // Indexed again on a resume: the same payload gives the same items.
    auto fresh = std::make_shared<codec::import_index>();
    auto fmt = format_named(job.format);
    if (!fmt
        || codec::index_import(*fmt, *payload, static_cast<size_t>(-1),
                               *fresh)) {
      fail(job, "the stored file can no longer be read");
      return;
    }
    index = std::move(fresh);
  }
  import_job_settings cfg;
  cfg.job = job;
  cfg.payload = std::move(payload);
  cfg.index = std::move(index);
  cfg.jobs = self;
  cfg.directory = settings.directory;
  cfg.request_timeout = settings.request_timeout;
  cfg.batch = settings.batch;
  cfg.resumed = resumed;
  auto hdl = self->spawn(import_job, std::move(cfg));
  self->monitor(hdl);
  running[job.id] = running_job{hdl, job.user_id, job.total, job.done,
                                job.failed};
  settings.stats->running.set(static_cast<int64_t>(running.size()));
  caf::anon_send(hdl, atom::next::value);
}

void jobs_state::ended(const std::string& id) {
  auto i = running.find(id);
  if (i == running.end())
    return;
  self->demonitor(i->second.hdl.address());
  running.erase(i);
  settings.stats->finished.add();
  settings.stats->running.set(static_cast<int64_t>(running.size()));
  start_queued();
}

caf::result<actors::job_view> jobs_state::get(const std::string& user,
                                              const std::string& id) {
  auto job = store->find_job(user, id);
  if (!job)
    return std::move(job.error());
  if (!*job)
    return no_job(id);
  actors::job_view view;
  view.job = std::move(**job);
  auto errors = store->job_errors(id, max_errors_shown);
  if (!errors)
    return std::move(errors.error());
  view.errors = std::move(*errors);
  return view;
}

caf::result<job_record> jobs_state::cancel(const std::string& user,
                                           const std::string& id) {
  auto job = store->cancel_job(user, id, actors::domain::now_ms());
  if (!job) {
    if (job.error() == ec::not_found)
      return no_job(id);
    if (job.error() == ec::conflict)
      return make_field_error(ec::conflict, "state",
                              "the job is no longer queued or running");
    return std::move(job.error());
  }
  // A job of another node learns it from its next batch's record.
  if (auto i = running.find(id); i != running.end()) {
    caf::anon_send_exit(i->second.hdl, caf::exit_reason::user_shutdown);
    ended(id);
  }
  notify(user, *job);
  return std::move(*job);
}

caf::result<bool> jobs_state::record(const persistence::job_progress& x) {
  auto mine = x;
  mine.node = settings.node;
  auto recorded = store->record_progress(mine);
  if (!recorded)
    return std::move(recorded.error());
  auto i = running.find(x.id);
  if (i == running.end())
    return *recorded;
  if (*recorded) {
    auto& rj = i->second;
    settings.stats->items.add(x.done - rj.done);
    settings.stats->failures.add(x.failed - rj.failed);
    rj.done = x.done;
    rj.failed = x.failed;
    job_record job;
    job.id = x.id;
    job.state = x.state;
    job.done = x.done;
    job.failed = x.failed;
    job.total = i->second.total;
    notify(i->second.user, job);
  }
  if (!*recorded || x.state != "running")
    ended(x.id);
  return *recorded;
}

void jobs_state::lost(const caf::down_msg& dm) {
  for (auto i = running.begin(); i != running.end(); ++i) {
    if (i->second.hdl.address() != dm.source)
      continue;
    auto id = i->first;
    auto job = store->find_job(i->second.user, id);
    if (job && *job)
      fail(**job, "the job stopped: " + to_string(dm.reason));
    ended(id);
    return;
  }
}

void jobs_state::notify(const std::string& user, const job_record& job) {
  self->send(settings.directory, atom::frame::value, user,
             actors::shared_frame{job_frame(job)});
  if (job.state == "done" || job.state == "failed")
    record_notification(user, job);
}

void jobs_state::record_notification(const std::string& user,
                                     const job_record& job) {
  if (!notifying.insert(job.id).second)
    return; // Asked already; its answer settles it.
  // A notification for the person, in the user's log: once (the key), and
  // owed in the store until the log has it (`pay_owed` asks again).
  actors::command cmd;
  cmd.user_id = user;
  cmd.request_id = actors::new_id("r_");
  cmd.op = actors::command_op::job_finished;
  cmd.todo_id = job.id;
  cmd.idempotency_key = "job:" + job.id + ":finished";
  cmd.canonical_body = nlohmann::json{
    {"job_id", job.id},
    {"state", job.state},
    {"total", job.total},
    {"done", job.done},
    {"failed",
     job.failed}}.dump();
  self->request(settings.directory, settings.request_timeout, std::move(cmd))
    .then(
      [this, id = job.id](actors::command_outcome&) {
        notifying.erase(id);
        if (auto err = store->notified(id))
          std::cerr << "actodo: import job " << id
                    << ": its notification stays owed: " << describe(err)
                    << '\n';
      },
      [this, id = job.id](caf::error& err) {
        notifying.erase(id);
        std::cerr << "actodo: import job " << id
                  << ": its notification was not recorded (asked again "
                     "later): "
                  << describe(err) << '\n';
      });
}

void jobs_state::pay_owed() {
  // Those a crash, a timeout or a stopped owner left owed; a job that just
  // ended has its first request still in flight.
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
                   settings.request_timeout)
                   .count();
  auto owed = store->owed_notifications(actors::domain::now_ms() - timeout,
                                        max_owed_per_tick);
  if (!owed) {
    std::cerr << "actodo: owed job notifications not read: "
              << describe(owed.error()) << '\n';
    return;
  }
  for (auto& job : *owed)
    record_notification(job.user_id, job);
}

actors::jobs_actor::behavior_type
jobs(actors::jobs_actor::stateful_pointer<jobs_state> self,
     std::shared_ptr<persistence::job_store> store, jobs_settings cfg) {
  self->state.start_up(self, std::move(store), std::move(cfg));
  self->delayed_send(self, self->state.settings.renew_interval,
                     atom::tick::value);
  self->set_down_handler([self](caf::down_msg& dm) { self->state.lost(dm); });
  // Shutdown: the jobs stop with it (they resume at the next start).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& kvp : self->state.running)
      caf::anon_send_exit(kvp.second.hdl, caf::exit_reason::user_shutdown);
    self->state.running.clear();
    self->quit(msg.reason);
  });
  return {
    [self](atom::create, const std::string& user, const std::string& format,
           const std::string& key, std::string& payload) {
      return self->state.create(user, format, key, payload);
    },
    [self](atom::get, const std::string& user, const std::string& id) {
      return self->state.get(user, id);
    },
    [self](atom::cancel, const std::string& user, const std::string& id) {
      return self->state.cancel(user, id);
    },
    [self](atom::find, const std::string& user,
           const std::vector<std::string>& uids)
      -> caf::result<std::map<std::string, std::string>> {
      auto known = self->state.store->imported_uids(user, uids);
      if (!known)
        return std::move(known.error());
      return std::move(*known);
    },
    [self](atom::progress, const persistence::job_progress& x) {
      return self->state.record(x);
    },
    [self](atom::tick) { self->state.tick(); },
  };
}

} // namespace actodo::io::jobs
