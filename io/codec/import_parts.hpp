#pragma once

// Private to the import codec: what its pieces share. import_codec.cpp has
// the helpers and the dispatch, import_json.cpp, import_csv.cpp and
// ics_import.cpp one format each. Not for use outside io/codec.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/codec/import_codec.hpp"

namespace actodo::io::codec {

/// Helpers of every format (defined in import_codec.cpp).
namespace import_detail {

field_error fail(std::string field, std::string detail);

/// The length of the valid UTF-8 sequence at `i` (no overlong forms, no
/// surrogates, at most U+10FFFF), or 0.
size_t utf8_sequence(std::string_view s, size_t i);

bool valid_utf8(std::string_view s);

/// `detail` as valid UTF-8 (U+FFFD for bad bytes) of at most 300 bytes: it
/// is stored with the job and rendered as JSON.
std::string clean(std::string_view detail);

/// `err` with its field and detail `clean`ed.
std::optional<field_error> cleaned(std::optional<field_error> err);

/// The path of the first string in `x` that is not valid UTF-8.
std::optional<std::string> bad_utf8(const nlohmann::json& x,
                                    const std::string& path);

/// The length of a UTF-8 byte order mark at the start of `payload` (3 or 0).
size_t skip_bom(std::string_view payload);

/// What a JSON or CSV body keeps of the read-only members the API renders
/// inside reminders and the recurrence: only the series' state (`index`,
/// `ended`, `end_reason`, which `decode_item` takes); the rest is dropped
/// (`parse_patch` ignores them; dropping them keeps the body, and its
/// fingerprint, to what counts).
void strip_read_only(nlohmann::json& body);

/// Moves a series' state (the export's `index`, `ended`, `end_reason`)
/// from an item's recurrence into `out` (import_state.cpp).
std::optional<field_error> take_series_state(nlohmann::json& rec,
                                             import_item& out);

/// Moves each reminder's `state` and `fired_at` from an item into `out`
/// (import_state.cpp).
std::optional<field_error> take_reminder_states(nlohmann::json& reminders,
                                                import_item& out);

} // namespace import_detail

/// JSON (defined in import_json.cpp).
namespace json_items {

/// `index_import` for a JSON array.
std::optional<field_error> index(std::string_view payload, size_t max_items,
                                 import_index& out);

/// The body of one array element, before the checks `decode_item` runs on
/// every format's body.
std::optional<field_error> read(std::string_view text, nlohmann::json& body);

/// `import_links` for a JSON array.
void links(std::string_view payload, const import_index& index,
           std::vector<import_link>& out);

} // namespace json_items

/// CSV (defined in import_csv.cpp).
namespace csv_items {

/// `index_import` for CSV with a header row.
std::optional<field_error> index(std::string_view payload, size_t max_items,
                                 import_index& out);

/// The body of one record, its fields named by `columns`, before the checks
/// `decode_item` runs on every format's body.
std::optional<field_error> read(std::string_view text,
                                const std::vector<std::string>& columns,
                                nlohmann::json& body);

/// "column `name`", as details name a CSV column.
std::string column(std::string_view name);

/// `import_links` for CSV: the `id` and `parent_id` columns.
void links(std::string_view payload, const import_index& index,
           std::vector<import_link>& out);

} // namespace csv_items

/// iCalendar (defined in ics_import.cpp).
namespace ics {

/// `import_links` for iCalendar: UIDs and the parents their `RELATED-TO`
/// name, when those are in the file.
void links(const import_index& index, std::vector<import_link>& out);

/// `index_import` for iCalendar.
std::optional<field_error> index(std::string_view payload, size_t max_items,
                                 import_index& out);

/// The body of one `BEGIN:VTODO` .. `END:VTODO` block, before the checks
/// `decode_item` runs on every format's body.
std::optional<field_error> read(std::string_view vtodo, nlohmann::json& body);

} // namespace ics

} // namespace actodo::io::codec
