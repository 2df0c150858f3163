#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "io/codec/import_codec.hpp"
#include "persistence/job_store.hpp"

namespace actodo::io::jobs {

/// What a job runs on: its record as stored (it resumes at `done`), the
/// payload and its index, and whom it talks to.
struct import_job_settings {
  persistence::job_record job;
  std::shared_ptr<const std::string> payload;
  std::shared_ptr<const codec::import_index> index;
  /// Stores each batch's progress and the UID map.
  actors::jobs_actor jobs;
  /// Applies the commands (routes them to the user's list, on any node).
  actors::user_directory_actor directory;
  caf::timespan request_timeout = std::chrono::seconds(10);
  /// Items applied at once: their commands share the journal's commits.
  size_t batch = 256;
  /// Wait before a batch that met a transient failure (a timeout, the
  /// store down, no owner) is tried again.
  caf::timespan retry_delay = std::chrono::seconds(1);
};

/// One running import: reads the items of the next batch (`decode_item`),
/// applies each valid one as a command with the idempotency key
/// `import:<job>:<index>` (so a batch tried again, or resumed after a
/// crash, applies nothing twice), reports the batch to the `jobs` actor
/// (one transaction) and goes on until the file is done. A re-imported
/// iCalendar UID updates the todo it made before.
struct import_job_state {
  static inline const char* name = "import_job";

  /// One item of the batch in flight.
  struct slot {
    int64_t index = 0;
    codec::import_item item;
    /// The todo a UID maps to (an update), empty for a create.
    std::string todo_id;
    bool settled = false;
  };

  actors::import_job_actor::pointer self = nullptr;
  import_job_settings settings;
  /// For each UID, the index of the first item that has it.
  std::unordered_map<std::string, int64_t> first_of_uid;
  std::vector<slot> slots;
  /// Commands of the batch not answered yet.
  size_t outstanding = 0;
  /// A command of the batch failed for a reason that may pass.
  bool transient = false;
  persistence::job_progress progress;

  void start(actors::import_job_actor::pointer ptr, import_job_settings cfg);
  /// Reads and applies the next batch, or reports the end.
  void next();

 private:
  void apply(std::map<std::string, std::string> known);
  void submit(slot& s, bool create);
  void answered(slot& s, bool create, const actors::command_outcome& x);
  void failed_item(int64_t index, std::string field, std::string detail);
  void settle();
  void report();
};

actors::import_job_actor::behavior_type
import_job(actors::import_job_actor::stateful_pointer<import_job_state> self,
           import_job_settings cfg);

} // namespace actodo::io::jobs
