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
std::string item_key(const std::string& job, int64_t index, char kind) {
  return "import:" + job + ":" + std::to_string(index) + ":" + kind;
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

/// Longest UID kept in the UID map.
constexpr size_t max_uid_bytes = 1000;

/// Refusals that may pass when the command is tried again.
bool passing(actors::outcome_code x) {
  return x == actors::outcome_code::in_progress;
}

} // namespace

void import_job_state::start(actors::import_job_actor::pointer ptr,
                             import_job_settings cfg) {
  self = ptr;
  settings = std::move(cfg);
  auto& items = settings.index->items;
  for (size_t i = 0; i < items.size(); ++i)
    if (!items[i].uid.empty())
      first_of_uid.emplace(items[i].uid, static_cast<int64_t>(i));
}

void import_job_state::next() {
  auto& job = settings.job;
  auto total = static_cast<int64_t>(settings.index->items.size());
  progress = persistence::job_progress{};
  progress.id = job.id;
  progress.failed = job.failed;
  slots.clear();
  transient = false;
  auto end = std::min(total, job.done + static_cast<int64_t>(settings.batch));
  std::vector<std::string> uids;
  for (auto i = job.done; i < end; ++i) {
    auto& span = settings.index->items[static_cast<size_t>(i)];
    slot s;
    s.index = i;
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
    if (auto err = codec::decode_item(format_named(job.format),
                                      *settings.payload, *settings.index, span,
                                      s.item)) {
      failed_item(i, err->field, err->detail);
      continue;
    }
    if (!s.item.uid.empty())
      uids.push_back(s.item.uid);
    slots.push_back(std::move(s));
  }
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
        self->delayed_send(self, settings.retry_delay, atom::next::value);
      });
}

void import_job_state::apply(std::map<std::string, std::string> known) {
  outstanding = 0;
  for (auto& s : slots) {
    if (auto i = known.find(s.item.uid); i != known.end())
      s.todo_id = i->second;
    else if (own_todo_id(s.item.uid))
      s.todo_id = s.item.uid;
  }
  if (slots.empty())
    return settle();
  // Count first: an answer may only settle the batch once all are sent.
  outstanding = slots.size();
  for (auto& s : slots)
    submit(s, s.todo_id.empty());
}

void import_job_state::submit(slot& s, bool create) {
  actors::command cmd;
  cmd.user_id = settings.job.user_id;
  cmd.request_id = actors::new_id("r_");
  cmd.op = create ? actors::command_op::create : actors::command_op::update;
  cmd.idempotency_key = item_key(settings.job.id, s.index, create ? 'c' : 'u');
  if (!create)
    cmd.todo_id = s.todo_id;
  auto body = create ? s.item.body : codec::replacing_body(s.item.body);
  if (auto err = codec::decode_todo_body(body, create, cmd.patch,
                                         cmd.canonical_body)) {
    failed_item(s.index, err->field, err->detail);
    s.settled = true;
    if (--outstanding == 0)
      settle();
    return;
  }
  auto* target = &s;
  self->request(settings.directory, settings.request_timeout, std::move(cmd))
    .then([this, target, create](
            actors::command_outcome& x) { answered(*target, create, x); },
          [this, target](caf::error& err) {
            if (err == ec::invalid_field)
              failed_item(target->index, error_field(err), describe(err));
            else
              transient = true;
            target->settled = true;
            if (--outstanding == 0)
              settle();
          });
}

void import_job_state::answered(slot& s, bool create,
                                const actors::command_outcome& x) {
  using actors::outcome_code;
  // A todo of the UID that is gone (or was never ours): create it anew.
  if (!create && x.code == outcome_code::not_found)
    return submit(s, true);
  if (passing(x.code)) {
    transient = true;
  } else if (actors::is_rejection(x.code)) {
    auto detail = x.detail.empty() ? to_string(x.code) : x.detail;
    failed_item(s.index, x.field, std::move(detail));
  } else if (!s.item.uid.empty() && !x.todo_id.empty()) {
    progress.uids[s.item.uid] = x.todo_id;
  }
  s.settled = true;
  if (--outstanding == 0)
    settle();
}

void import_job_state::failed_item(int64_t index, std::string field,
                                   std::string detail) {
  // Stored as text: valid UTF-8 without NUL, bounded (they may quote the
  // file).
  progress.errors.push_back({index, webhooks::printable_utf8(field, 200),
                             webhooks::printable_utf8(detail, 1000)});
}

void import_job_state::settle() {
  if (transient) {
    // Nothing is recorded: the whole batch goes again after the delay, its
    // applied items answered from their idempotency keys.
    self->delayed_send(self, settings.retry_delay, atom::next::value);
    return;
  }
  std::sort(progress.errors.begin(), progress.errors.end(),
            [](auto& x, auto& y) { return x.index < y.index; });
  progress.failed += static_cast<int64_t>(progress.errors.size());
  auto total = static_cast<int64_t>(settings.index->items.size());
  progress.state = progress.done >= total ? "done" : "running";
  report();
}

void import_job_state::report() {
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
        settings.job.done = progress.done;
        settings.job.failed = progress.failed;
        settings.job.state = progress.state;
        self->send(self, atom::next::value);
      },
      [this](caf::error&) {
        // The store did not take it: the same batch again later (its
        // commands replay from their keys).
        self->delayed_send(self, settings.retry_delay, atom::next::value);
      });
}

actors::import_job_actor::behavior_type
import_job(actors::import_job_actor::stateful_pointer<import_job_state> self,
           import_job_settings cfg) {
  self->state.start(self, std::move(cfg));
  return {
    [self](atom::next) { self->state.next(); },
  };
}

} // namespace actodo::io::jobs
