#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "config/settings.hpp"
#include "io/codec/import_codec.hpp"
#include "io/jobs/job_metrics.hpp"
#include "persistence/job_store.hpp"

namespace actodo::io::jobs {

struct jobs_settings {
  config::import_options options;
  /// Applies the jobs' commands and takes their progress frames.
  actors::user_directory_actor directory;
  /// This node's id (`--cluster.node-id`, empty alone): stored with each
  /// job, so a restarted node resumes its own.
  std::string node;
  caf::timespan request_timeout = std::chrono::seconds(10);
  /// Items per batch of a job.
  size_t batch = 256;
  /// How long a job stays this node's without a renewal: a node that
  /// stops longer loses its jobs to the others.
  caf::timespan lease = std::chrono::seconds(30);
  /// How often the leases are renewed (and stopped nodes' jobs looked for).
  caf::timespan renew_interval = std::chrono::seconds(10);
  std::shared_ptr<job_metrics> stats = std::make_shared<job_metrics>();
};

/// The node's import jobs: the only user of the job store (blocking: run it
/// detached). Indexes an upload, refuses what is too large, stores the job
/// with its payload before answering (a 202 is durable), runs one
/// `import_job` each for at most `max_running` jobs at once (the others
/// wait in the store, `queued`, their files not in memory; at start also
/// those a crash interrupted), records each batch in one transaction and
/// sends the user's sessions a `job` frame for every change.
struct jobs_state {
  static inline const char* name = "jobs";

  /// A running job: its actor and what its frames need.
  struct running_job {
    actors::import_job_actor hdl;
    std::string user;
    int64_t total = 0;
    /// As last recorded (for the metrics).
    int64_t done = 0;
    int64_t failed = 0;
  };

  actors::jobs_actor::pointer self = nullptr;
  std::shared_ptr<persistence::job_store> store;
  jobs_settings settings;
  std::unordered_map<std::string, running_job> running;
  /// Jobs whose notification is being recorded (asked, not answered).
  std::unordered_set<std::string> notifying;
  /// Owed notifications asked for again per tick at most.
  static constexpr int64_t max_owed_per_tick = 100;
  /// Errors `GET /api/v1/jobs/{id}` shows at most.
  static constexpr int64_t max_errors_shown = 1000;

  void start_up(actors::jobs_actor::pointer ptr,
                std::shared_ptr<persistence::job_store> db, jobs_settings cfg);

  caf::result<persistence::job_record>
  create(const std::string& user, const std::string& format,
         const std::string& key, std::string& payload);

  caf::result<actors::job_view> get(const std::string& user,
                                    const std::string& id);

  caf::result<persistence::job_record> cancel(const std::string& user,
                                              const std::string& id);

  caf::result<bool> record(const persistence::job_progress& x);

  /// A job actor went down before its last batch: the job failed.
  void lost(const caf::down_msg& dm);

  /// Renews the running jobs' leases and starts what waits (periodic).
  void tick();

 private:
  /// Takes and starts stored jobs that are not running, oldest first, while
  /// fewer than `max_running` run: this node's (at start: those a crash
  /// interrupted; queued ones behind others) and those of nodes whose
  /// lease ran out (`claim_jobs`).
  void start_queued();
  /// Spawns the actor of a stored job. `resumed`: it may have run before,
  /// so its first batch's keys are looked up.
  void run(const persistence::job_record& job,
           std::shared_ptr<const std::string> payload,
           std::shared_ptr<const codec::import_index> index, bool resumed);
  /// A job ended (or was cancelled) here: its slot is free.
  void ended(const std::string& id);
  /// Records a failure of the whole job.
  void fail(const persistence::job_record& job, std::string detail);
  int64_t lease_end() const;
  /// Sends the user's sessions the job's state; a job that ended also gets
  /// its notification recorded.
  void notify(const std::string& user, const persistence::job_record& job);
  /// Asks the user's list to log the notification of a job that ended
  /// (idempotent: keyed by the job), and settles it in the store once the
  /// log has it.
  void record_notification(const std::string& user,
                           const persistence::job_record& job);
  /// Asks again for the notifications the store still owes (periodic, and
  /// at start: a crash between a job's end and its notification).
  void pay_owed();
};

actors::jobs_actor::behavior_type
jobs(actors::jobs_actor::stateful_pointer<jobs_state> self,
     std::shared_ptr<persistence::job_store> store, jobs_settings cfg);

/// The `job` frame of a job's state: `{"type":"job","job_id","state",
/// "done","total","failed"}`.
std::string job_frame(const persistence::job_record& job);

} // namespace actodo::io::jobs
