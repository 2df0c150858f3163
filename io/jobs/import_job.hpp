#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "io/codec/import_codec.hpp"
#include "io/jobs/import_plan.hpp"
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
  /// Items per batch: one progress record each.
  size_t batch = 256;
  /// Commands in flight while their keys must be looked up (a batch that
  /// may have been sent before); a first attempt sends the whole batch.
  size_t window = 16;
  /// The job ran before (a restart): its first batch may have been sent.
  bool resumed = false;
  /// First wait before a batch's failed commands (a timeout, the store
  /// down, no owner) or its report go again; doubles up to `max_delay`.
  caf::timespan retry_delay = std::chrono::seconds(1);
  caf::timespan max_delay = std::chrono::seconds(30);
};

/// One running import: reads the items of the next batch (`decode_item`),
/// applies each valid one as a command with the idempotency key
/// `import:<job>:<index>:c|u`, reports the batch to the `jobs` actor (one
/// transaction) and goes on until the file is done. The first attempt of
/// a batch marks its keys fresh (`command::fresh_key`: nothing to look up,
/// so the commands share the journal's commits); a batch sent again (after
/// a transient failure or a restart) has its keys looked up, so nothing is
/// applied twice. A re-imported iCalendar UID updates the todo it made
/// before.
struct import_job_state {
  static inline const char* name = "import_job";

  enum class slot_state { waiting, sent, done, again };

  /// One item of the batch in flight.
  struct slot {
    int64_t index = 0;
    codec::import_item item;
    /// The todo a UID maps to (an update), empty for a create.
    std::string todo_id;
    /// The item whose subtask this is (`import_plan::parent_of`).
    int64_t parent = import_plan::root;
    slot_state state = slot_state::waiting;
  };

  actors::import_job_actor::pointer self = nullptr;
  import_job_settings settings;
  /// For each UID, the index of the first item that has it.
  std::unordered_map<std::string, int64_t> first_of_uid;
  /// The order of the items and their parent links (JSON `id`/`parent_id`).
  import_plan plan{0, {}};
  /// The new todo ids of items with subtasks, by item (also in the store's
  /// UID map under `link_key`, for a job that resumes).
  std::unordered_map<int64_t, std::string> linked;
  std::vector<slot> slots;
  size_t in_flight = 0;
  /// The batch's keys were never sent before.
  bool fresh = true;
  /// Waiting to report (not to send commands) when a backoff ends.
  bool reporting = false;
  /// Backoffs in a row.
  int retries = 0;
  persistence::job_progress progress;

  void start(actors::import_job_actor::pointer ptr, import_job_settings cfg);
  /// Reads and applies the next batch, or reports the end.
  void next();
  /// A backoff ended.
  void retry();

 private:
  void apply(std::map<std::string, std::string> known);
  /// Sends waiting commands up to the window; settles the batch when none
  /// is left.
  void pump();
  /// Gives a subtask the new id of its parent; false while the parent's
  /// command is under way, or when the parent failed (the item too, then).
  bool link(slot& s);
  void submit(slot& s);
  void answered(slot& s, const actors::command_outcome& x);
  void failed_item(int64_t index, std::string field, std::string detail);
  void settle();
  void report();
  /// The report's answer was lost: read what the store has.
  void resync();
  void back_off();
};

actors::import_job_actor::behavior_type
import_job(actors::import_job_actor::stateful_pointer<import_job_state> self,
           import_job_settings cfg);

} // namespace actodo::io::jobs
