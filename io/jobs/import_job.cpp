#include "io/jobs/import_job.hpp"

#include <algorithm>

#include "actors/apply.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/codec/command_body.hpp"
#include "io/webhooks/rules.hpp"

namespace actodo::io::jobs {

namespace {

/// The idempotency key of item `index`'s command (`u`: the update of a
/// re-imported UID, `c`: its create).
std::string item_key(const std::string& job, int64_t index, bool create) {
  return "import:" + job + ":" + std::to_string(index) + (create ? ":c" : ":u");
}

/// Whether a UID may be one of our own todo ids (an export of this service
/// imported again): the job tries an update of that todo first.
bool own_todo_id(const std::string& uid) {
  return uid.size() > 2 && uid.compare(0, 2, "t_") == 0;
}

/// The format a job record names (`ics`, `json`, `csv`).
codec::import_format format_named(const std::string& name) {
  using codec::import_format;
  return name == "ics"   ? import_format::ics
         : name == "csv" ? import_format::csv
                         : import_format::json;
}

/// The key under which the UID map keeps the new todo id of item `index`
/// (an item with subtasks): job ids are unique, so no UID of a calendar
/// can meet it.
std::string link_key(const std::string& job, int64_t index) {
  return "import:" + job + ":" + std::to_string(index);
}

/// Longest UID kept in the UID map.
constexpr size_t max_uid_bytes = 1000;

} // namespace

void import_job_state::start(actors::import_job_actor::pointer ptr,
                             import_job_settings cfg) {
  self = ptr;
  settings = std::move(cfg);
  fresh = !settings.resumed;
  auto& items = settings.index->items;
  for (size_t i = 0; i < items.size(); ++i)
    if (!items[i].uid.empty())
      first_of_uid.emplace(items[i].uid, static_cast<int64_t>(i));
  plan = import_plan{items.size(),
                     codec::import_links(format_named(settings.job.format),
                                         *settings.payload, *settings.index)};
}

void import_job_state::next() {
  auto& job = settings.job;
  auto total = static_cast<int64_t>(settings.index->items.size());
  progress = persistence::job_progress{};
  progress.id = job.id;
  progress.failed = job.failed;
  slots.clear();
  in_flight = 0;
  reporting = false;
  auto end = std::min(total, job.done + static_cast<int64_t>(settings.batch));
  std::vector<std::string> uids;
  auto format = format_named(job.format);
  for (auto position = job.done; position < end; ++position) {
    auto i = plan.item_at(position);
    auto& span = settings.index->items[static_cast<size_t>(i)];
    if (span.uid.size() > max_uid_bytes
        || webhooks::printable_utf8(span.uid, max_uid_bytes) != span.uid) {
      failed_item(i, "",
                  "the UID must be valid UTF-8 of at most "
                    + std::to_string(max_uid_bytes) + " bytes");
      continue;
    }
    if (!span.uid.empty()) {
      auto first = first_of_uid.at(span.uid);
      if (first != i) {
        failed_item(i, "",
                    "UID " + span.uid + " is also the UID of item "
                      + std::to_string(first));
        continue;
      }
    }
    slot s;
    s.index = i;
    if (auto err = codec::decode_item(format, *settings.payload,
                                      *settings.index, span, s.item)) {
      failed_item(i, err->field, err->detail);
      continue;
    }
    s.parent = plan.parent_of(i);
    if (s.parent == import_plan::missing) {
      failed_item(i, "parent_id", "no item of the file has this id");
      continue;
    }
    if (s.parent == import_plan::cycle) {
      failed_item(i, "parent_id",
                  "the file's parent_id links form a cycle above this item");
      continue;
    }
    if (!s.item.uid.empty())
      uids.push_back(s.item.uid);
    slots.push_back(std::move(s));
  }
  // Parents applied by an earlier batch (before a restart: only the store
  // knows their new ids).
  for (auto& s : slots)
    if (s.parent >= 0 && linked.count(s.parent) == 0)
      uids.push_back(link_key(job.id, s.parent));
  progress.done = end;
  if (uids.empty())
    return apply({});
  self
    ->request(settings.jobs, settings.request_timeout, atom::find::value,
              job.user_id, std::move(uids))
    .then(
      [this](std::map<std::string, std::string>& known) {
        apply(std::move(known));
      },
      [this](caf::error&) {
        // Nothing was sent: read the batch again after the backoff.
        reporting = false;
        slots.clear();
        back_off();
      });
}

void import_job_state::apply(std::map<std::string, std::string> known) {
  for (auto& s : slots) {
    if (s.parent >= 0 && linked.count(s.parent) == 0)
      if (auto i = known.find(link_key(settings.job.id, s.parent));
          i != known.end())
        linked.emplace(s.parent, i->second);
    if (auto i = known.find(s.item.uid); i != known.end())
      s.todo_id = i->second;
    else if (own_todo_id(s.item.uid))
      s.todo_id = s.item.uid;
  }
  pump();
}

void import_job_state::pump() {
  auto window = fresh ? slots.size() : settings.window;
  for (auto& s : slots) {
    if (in_flight >= window)
      return;
    if (s.state == slot_state::waiting && link(s))
      submit(s);
  }
  if (in_flight == 0)
    settle();
}

bool import_job_state::link(slot& s) {
  if (s.parent < 0)
    return true;
  if (auto i = linked.find(s.parent); i != linked.end()) {
    s.item.body["parent_id"] = i->second;
    return true;
  }
  // The parent comes first in the plan: in this batch it may be under way.
  for (auto& other : slots)
    if (other.index == s.parent && other.state != slot_state::done)
      return false;
  failed_item(s.index, "parent_id",
              "its parent, item " + std::to_string(s.parent)
                + ", was not imported");
  s.state = slot_state::done;
  return false;
}

void import_job_state::submit(slot& s) {
  auto create = s.todo_id.empty();
  actors::command cmd;
  cmd.user_id = settings.job.user_id;
  cmd.request_id = actors::new_id("r_");
  cmd.op = create ? actors::command_op::create : actors::command_op::update;
  cmd.idempotency_key = item_key(settings.job.id, s.index, create);
  cmd.fresh_key = fresh;
  if (!create)
    cmd.todo_id = s.todo_id;
  auto body = create ? s.item.body : codec::replacing_body(s.item.body);
  if (auto err = codec::decode_todo_body(body, create, cmd.patch,
                                         cmd.canonical_body)) {
    failed_item(s.index, err->field, err->detail);
    s.state = slot_state::done;
    return;
  }
  if (create && cmd.patch.reminders) {
    // What fired in the exporting account does not fire again.
    auto& rs = *cmd.patch.reminders;
    for (size_t i = 0; i < rs.size() && i < s.item.reminders.size(); ++i) {
      rs[i].state = s.item.reminders[i].state;
      rs[i].fired_at = s.item.reminders[i].fired_at;
      cmd.canonical_body += "\n" + std::to_string(i) + ' '
                            + std::string{to_string(rs[i].state)} + ' '
                            + rs[i].fired_at;
    }
  }
  if (create && cmd.patch.recurrence && *cmd.patch.recurrence) {
    // The series goes on where the exported one stood.
    auto& rec = **cmd.patch.recurrence;
    rec.index = s.item.series_index;
    rec.ended = s.item.series_ended;
    rec.end_reason = s.item.series_end_reason;
    cmd.canonical_body += "\n" + std::to_string(rec.index) + ' '
                          + rec.end_reason;
  }
  if (!s.item.project.empty()) {
    cmd.patch.project_name = s.item.project;
    // The key's fingerprint covers the project as well.
    cmd.canonical_body += "\n" + s.item.project;
  }
  s.state = slot_state::sent;
  ++in_flight;
  auto* target = &s;
  self->request(settings.directory, settings.request_timeout, std::move(cmd))
    .then([this, target](actors::command_outcome& x) { answered(*target, x); },
          [this, target](caf::error& err) {
            if (err == ec::invalid_field) {
              failed_item(target->index, error_field(err), describe(err));
              target->state = slot_state::done;
            } else {
              // A timeout, no owner, the store down: the same key again
              // later (joins or replays the first if it was applied).
              target->state = slot_state::again;
            }
            --in_flight;
            pump();
          });
}

void import_job_state::answered(slot& s, const actors::command_outcome& x) {
  using actors::outcome_code;
  --in_flight;
  if (!s.todo_id.empty() && x.code == outcome_code::not_found) {
    // The todo of the UID is gone (or was never ours): create it anew.
    s.todo_id.clear();
    s.state = slot_state::waiting;
  } else if (x.code == outcome_code::in_progress) {
    s.state = slot_state::again;
  } else if (actors::is_rejection(x.code)) {
    auto detail = x.detail.empty() ? to_string(x.code) : x.detail;
    failed_item(s.index, x.field, std::move(detail));
    s.state = slot_state::done;
  } else {
    if (!s.item.uid.empty() && !x.todo_id.empty())
      progress.uids[s.item.uid] = x.todo_id;
    if (plan.has_subtasks(s.index) && !x.todo_id.empty()) {
      linked[s.index] = x.todo_id;
      progress.uids[link_key(settings.job.id, s.index)] = x.todo_id;
    }
    s.state = slot_state::done;
  }
  pump();
}

void import_job_state::failed_item(int64_t index, std::string field,
                                   std::string detail) {
  // Stored as text: valid UTF-8 without NUL, bounded (they may quote the
  // file).
  progress.errors.push_back({index, webhooks::printable_utf8(field, 200),
                             webhooks::printable_utf8(detail, 1000)});
}

void import_job_state::settle() {
  auto again = std::any_of(slots.begin(), slots.end(), [](const slot& s) {
    return s.state == slot_state::again;
  });
  if (again) {
    // Only the unsettled commands go again, with their keys looked up.
    fresh = false;
    reporting = false;
    return back_off();
  }
  retries = 0;
  std::sort(progress.errors.begin(), progress.errors.end(),
            [](auto& x, auto& y) { return x.index < y.index; });
  progress.failed += static_cast<int64_t>(progress.errors.size());
  auto total = static_cast<int64_t>(settings.index->items.size());
  progress.state = progress.done >= total ? "done" : "running";
  report();
}

void import_job_state::retry() {
  if (reporting)
    return report();
  if (slots.empty())
    return next();
  for (auto& s : slots)
    if (s.state == slot_state::again)
      s.state = slot_state::waiting;
  pump();
}

void import_job_state::back_off() {
  auto delay = settings.retry_delay;
  for (int i = 0; i < retries && delay < settings.max_delay; ++i)
    delay *= 2;
  ++retries;
  self->delayed_send(self, std::min(delay, settings.max_delay),
                     atom::retry::value);
}

void import_job_state::report() {
  reporting = true;
  progress.updated_ms = actors::domain::now_ms();
  self
    ->request(settings.jobs, settings.request_timeout, atom::progress::value,
              progress)
    .then(
      [this](bool recorded) {
        if (!recorded || progress.state != "running") {
          self->quit();
          return;
        }
        retries = 0;
        settings.job.done = progress.done;
        settings.job.failed = progress.failed;
        fresh = true;
        next();
      },
      [this](caf::error&) { resync(); });
}

void import_job_state::resync() {
  // The store may have taken the report even though its answer was lost:
  // going on from a stale `done` would send a batch again.
  self
    ->request(settings.jobs, settings.request_timeout, atom::get::value,
              settings.job.user_id, settings.job.id)
    .then(
      [this](actors::job_view& view) {
        auto& stored = view.job;
        if (stored.state != "queued" && stored.state != "running") {
          self->quit();
          return;
        }
        if (stored.done >= progress.done) {
          retries = 0;
          settings.job.done = stored.done;
          settings.job.failed = stored.failed;
          fresh = true;
          next();
          return;
        }
        back_off(); // Not recorded: report the same batch again.
      },
      [this](caf::error&) { back_off(); });
}

actors::import_job_actor::behavior_type
import_job(actors::import_job_actor::stateful_pointer<import_job_state> self,
           import_job_settings cfg) {
  self->state.start(self, std::move(cfg));
  return {
    [self](atom::next) { self->state.next(); },
    [self](atom::retry) { self->state.retry(); },
  };
}

} // namespace actodo::io::jobs
