#pragma once

// Reading import files (`POST /api/v1/imports`) in two steps, so a file of
// any allowed size never sits in memory as a parsed tree: `index_import`
// scans the whole payload once for item boundaries (and iCalendar UIDs);
// `decode_item` turns one item into the create body the API accepts, when
// the job gets to it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::io::codec {

using actors::domain::field_error;

enum class import_format { ics, json, csv };

/// `ics`, `json`, `csv`.
std::string_view to_string(import_format x);

/// The format of a request's `Content-Type` media type (`text/calendar`,
/// `application/json`, `text/csv`; already lower-case, no parameters), or
/// nullopt.
std::optional<import_format> import_format_of(std::string_view media_type);

/// Where one item sits in the payload.
struct import_span {
  /// Byte offset and length of the item's text: a `BEGIN:VTODO` ..
  /// `END:VTODO` block, a JSON array element, a CSV record (without its
  /// line break).
  size_t offset = 0;
  size_t length = 0;
  /// The item's iCalendar `UID` (unfolded, unescaped); empty otherwise or
  /// when the VTODO has none.
  std::string uid;
  /// The UID the VTODO's first `RELATED-TO` with `RELTYPE=PARENT` (the
  /// default) names; empty otherwise.
  std::string parent_uid;
  /// Why the VTODO is not well formed (an END missing or out of place);
  /// empty when it is. Such an item is an error of its own; the file's
  /// other items are read.
  std::string broken;
};

/// A payload's items in file order.
struct import_index {
  std::vector<import_span> items;
  /// CSV: the header row's column names, in order.
  std::vector<std::string> columns;
};

/// Finds the items of `payload`. Fails (field `body`) when the file as a
/// whole cannot be read: not a VCALENDAR, not a JSON array, a CSV without
/// a header row or with an unknown or repeated column, an unterminated
/// quote or component; and (field `items`) when it holds more than
/// `max_items` items.
std::optional<field_error> index_import(import_format format,
                                        std::string_view payload,
                                        size_t max_items, import_index& out);

/// One item, read.
struct import_item {
  /// The body of the create command, as `POST /api/v1/todos` accepts it.
  nlohmann::json body;
  /// The iCalendar `UID` (empty for JSON and CSV).
  std::string uid;
  /// The name of the project the todo goes in (a JSON item's `project`);
  /// empty: the Inbox.
  std::string project;
  /// Where a recurring item's series stood (JSON and CSV: the recurrence's
  /// `index`, `ended`, `end_reason`); the new series goes on from there.
  int64_t series_index = 1;
  bool series_ended = false;
  std::string series_end_reason;
  /// Where each reminder stood (JSON and CSV: its `state` and `fired_at`,
  /// by position); the new todo's reminders start there.
  struct reminder_status {
    actors::domain::reminder_state state = actors::domain::reminder_state::
      pending;
    std::string fired_at;
  };
  std::vector<reminder_status> reminders;
};

/// Reads item `span` of `payload` into `out`. Fails with the API field it
/// concerns (e.g. `due`, `priority`, `tags/2`) and a detail that names the
/// source (the iCalendar property or the CSV column) when the item cannot
/// be read or its body would be refused by `decode_todo_body`.
std::optional<field_error>
decode_item(import_format format, std::string_view payload,
            const import_index& index, const import_span& span,
            import_item& out);

/// How an item names itself and its parent: JSON and CSV the `id` and
/// `parent_id` the exporting account gave them (members or columns; empty
/// when absent), iCalendar the `UID` and `RELATED-TO`. They only link items of
/// the same file: the import assigns new ids.
struct import_link {
  std::string id;
  std::string parent;
};

/// The links of every item of `index` (by item index), or an empty vector
/// when no item names a parent. iCalendar: the UID and the parent a
/// `RELATED-TO` names, when that is a UID of the file (other tools relate
/// to todos the file does not hold: those items stay root todos). An item
/// that cannot be read has no links (`decode_item` reports it).
std::vector<import_link> import_links(import_format format,
                                      std::string_view payload,
                                      const import_index& index);

/// The body of the update that makes an existing todo equal to an imported
/// one (a re-imported iCalendar UID): `body` with every member the import
/// did not give reset (`notes`, `due`, `time_zone`, `recurrence` null,
/// `tags`, `reminders` empty, `completed` false, `priority` none).
nlohmann::json replacing_body(const nlohmann::json& body);

} // namespace actodo::io::codec
