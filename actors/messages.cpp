#include "actors/messages.hpp"

namespace actodo::actors {

std::string to_string(command_op x) {
  switch (x) {
    case command_op::create: return "create";
    case command_op::update: return "update";
    case command_op::remove: return "remove";
    case command_op::clear: return "clear";
    case command_op::snooze: return "snooze";
    case command_op::dismiss: return "dismiss";
    case command_op::wake: return "wake";
    case command_op::webhook_disabled: return "webhook_disabled";
    case command_op::settings_update: return "settings_update";
    case command_op::notifications_read: return "notifications_read";
    case command_op::job_finished: return "job_finished";
    case command_op::project_create: return "project_create";
    case command_op::project_update: return "project_update";
    case command_op::project_delete: return "project_delete";
  }
  return "unknown";
}

std::string to_string(outcome_code x) {
  switch (x) {
    case outcome_code::accepted: return "accepted";
    case outcome_code::created: return "created";
    case outcome_code::updated: return "updated";
    case outcome_code::deleted: return "deleted";
    case outcome_code::unchanged: return "unchanged";
    case outcome_code::invalid: return "invalid";
    case outcome_code::not_found: return "not_found";
    case outcome_code::version_mismatch: return "version_mismatch";
    case outcome_code::too_many: return "too_many";
    case outcome_code::in_progress: return "in_progress";
    case outcome_code::key_reused: return "key_reused";
  }
  return "unknown";
}

} // namespace actodo::actors
