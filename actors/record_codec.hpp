#pragma once

// The journal's record encoding: how todos, events and command outcomes
// are stored, and the frames that are verbatim renderings of stored
// records. The one place in `actors/` that writes or reads JSON; the
// stored form of an outcome is its HTTP form (`GET /api/v1/requests/{id}`
// returns it as stored), so the status table lives here as well.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "caf/expected.hpp"

#include "actors/domain/todo.hpp"
#include "actors/messages.hpp"
#include "persistence/records.hpp"

namespace actodo::actors::records {

/// The HTTP status an outcome is stored (and answered) with.
int32_t status_of(outcome_code x);

/// The body an outcome is stored (and answered) with: the todo or project,
/// a problem document, or empty.
std::string body_of(const command_outcome& x);

/// The stored JSON of a todo: a `todos` row, event data, an outcome body.
std::string encode_todo(const domain::todo& t);

/// Inverse of `encode_todo` for rows loaded from the store.
caf::expected<domain::todo> decode_todo(std::string_view text);

/// The stored JSON of a project: a `todos` row (its id starts with `p_`),
/// event data, an outcome body.
std::string encode_project(const domain::project& p);

/// The row of a user's settings (id `settings_id`).
struct user_settings {
  /// IANA zone; empty: UTC.
  std::string time_zone;
  /// Notifications up to this id are read.
  int64_t read_up_to = 0;
};

inline constexpr std::string_view settings_id = "s_settings";

/// `{"id":"s_settings","time_zone":...}`: the settings row, and the data
/// of a `user.updated` event.
std::string encode_settings(const user_settings& x);

/// One stored row of a user: a todo, a project or the settings (told
/// apart by the id).
using stored_row = std::variant<domain::todo, domain::project, user_settings,
                                domain::notification>;

/// The row id of notification `id` (`n_` and 20 digits: rows sort by id).
std::string notification_row(int64_t id);

/// The stored JSON of a notification row (`id` is the row id).
std::string encode_notification(const domain::notification& x);

/// `{"type":"notifications","unread":n,"latest":{...}|null}`: what every
/// session hears when the number of unread notifications changes.
std::string notifications_frame(int64_t unread,
                                const domain::notification* latest);

/// Inverse of `encode_todo`, `encode_project` and `encode_settings`.
caf::expected<stored_row> decode_row(std::string_view text);

/// What every event of one command shares.
struct envelope {
  std::string_view user_id;
  const std::string& request_id;
  /// RFC 3339 ms UTC.
  const std::string& time;
};

/// A CloudEvents 1.0 record of type `type` about `todo_id` whose `data`
/// is `data_json` (already encoded, embedded as is).
persistence::event_record
make_event(const envelope& env, int64_t seq, std::string_view type,
           std::string_view todo_id, std::string_view data_json);

/// `{"id":"..."}`: the data of a `todo.deleted` event.
std::string deleted_data(std::string_view todo_id);

/// `{"todo":{...},"reminder":n}` plus `"scheduled"` or `"until"` when not
/// empty: the data of the `todo.reminder.*` events.
std::string reminder_data(std::string_view todo_json, size_t index,
                          std::string_view key = {},
                          std::string_view value = {});

/// The standard reason phrase of an HTTP status ("Not Found").
std::string_view status_title(int32_t status);

/// An RFC 9457 problem document naming `field` (left out when empty): the
/// one encoding shared by stored request records and the web layer's error
/// responses.
std::string problem(int32_t status, std::string_view detail,
                    std::string_view field = {});

/// The outcome of `cmd`. `todo_json` is the encoded todo of a change (empty
/// for deletions and rejections), `todo_seq` the event that carries it (0:
/// none; the store then keeps the body by that reference, not a copy).
persistence::request_record
request_of(const command& cmd, const command_outcome& x,
           const std::string& todo_json, int64_t todo_seq,
           std::string fingerprint, int64_t now_ms);

/// The outcome a stored record describes (an idempotent replay).
command_outcome outcome_of(const persistence::request_record& rec);

/// `{"type":"result","request_id":...,"status":...,"body":...}`.
std::string result_frame(const persistence::request_record& rec);

/// `{"type":"event","event":{...}}`.
std::string event_frame(const persistence::event_record& ev);

/// The `{"type":"reminder",...}` frame of reminder `index` of `t`, due at
/// `scheduled_ms` and fired at `now`.
std::string reminder_frame(const domain::todo& t, size_t index,
                           int64_t scheduled_ms, const std::string& now);

/// The JSON body of `GET /api/v1/requests/{id}`.
std::string request_status_body(const persistence::request_record& rec);

/// `{"request_id":...,"state":"pending",...}` of a command not yet durable.
std::string pending_status_body(const std::string& request_id);

} // namespace actodo::actors::records
