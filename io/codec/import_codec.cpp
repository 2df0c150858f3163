// Import files (JSON, CSV here; iCalendar in ics_import.cpp): a linear
// index of the items, then one item at a time into a create body.
#include "io/codec/import_codec.hpp"

#include <algorithm>
#include <exception>

#include "io/codec/command_body.hpp"
#include "io/codec/export_codec.hpp"

namespace actodo::io::codec {

// Defined in ics_import.cpp (no header of their own: only this file calls
// them).
namespace ics {

/// `index_import` for iCalendar.
std::optional<field_error> index(std::string_view payload, size_t max_items,
                                 import_index& out);

/// The body of one `BEGIN:VTODO` .. `END:VTODO` block, before the checks
/// `decode_item` runs on every format's body.
std::optional<field_error> read(std::string_view vtodo, nlohmann::json& body);

} // namespace ics

namespace {

using nlohmann::json;

/// No valid item comes near this (a title of 500 and notes of 10,000 code
/// points, 20 tags, 10 reminders, 100 exdates): a bigger one is refused
/// before it is parsed.
constexpr size_t max_item_bytes = 1024 * 1024;

/// The longest detail text; details may quote the input.
constexpr size_t max_detail_bytes = 300;

field_error fail(std::string field, std::string detail) {
  return field_error{std::move(field), std::move(detail)};
}

/// The length of the valid UTF-8 sequence at `i` (no overlong forms, no
/// surrogates, at most U+10FFFF), or 0.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80)
    return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size())
    return 0;
  for (size_t k = 1; k < len; ++k) {
    auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
      || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto n = utf8_sequence(s, i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

/// `detail` as valid UTF-8 (U+FFFD for bad bytes) of at most
/// `max_detail_bytes`: it is stored with the job and rendered as JSON.
std::string clean(std::string_view detail) {
  std::string out;
  for (size_t i = 0; i < detail.size();) {
    auto n = utf8_sequence(detail, i);
    auto piece = n == 0 ? std::string_view{"\xEF\xBF\xBD"}
                        : detail.substr(i, n);
    if (out.size() + piece.size() > max_detail_bytes) {
      out += "\xE2\x80\xA6"; // …
      break;
    }
    out += piece;
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::optional<field_error> cleaned(std::optional<field_error> err) {
  if (err) {
    err->field = clean(err->field);
    err->detail = clean(err->detail);
  }
  return err;
}

/// The path of the first string in `x` that is not valid UTF-8.
std::optional<std::string> bad_utf8(const json& x, const std::string& path) {
  if (x.is_string())
    return valid_utf8(x.get_ref<const std::string&>())
             ? std::nullopt
             : std::optional<std::string>{path};
  if (x.is_array()) {
    for (size_t i = 0; i < x.size(); ++i)
      if (auto p = bad_utf8(x[i], path + "/" + std::to_string(i)))
        return p;
  } else if (x.is_object()) {
    for (auto& [key, value] : x.items())
      if (auto p = bad_utf8(value, path.empty() ? key : path + "/" + key))
        return p;
  }
  return std::nullopt;
}

size_t skip_bom(std::string_view payload) {
  return payload.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

bool json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// What a JSON or CSV body keeps of the read-only members the API renders
/// inside reminders and the recurrence: nothing (`parse_patch` ignores
/// them; dropping them keeps the body, and its fingerprint, to what counts).
void strip_read_only(json& body) {
  if (auto r = body.find("reminders"); r != body.end() && r->is_array())
    for (auto& x : *r)
      if (x.is_object())
        for (auto key : {"state", "next", "fired_at", "snoozed_until"})
          x.erase(key);
  if (auto r = body.find("recurrence"); r != body.end() && r->is_object())
    for (auto key : {"series_id", "index", "next_id", "ended", "end_reason"})
      r->erase(key);
}

// -- JSON ------------------------------------------------------------------

/// The elements of a top-level array, without parsing them: strings (with
/// escapes) and nesting are followed; what is inside an element is left to
/// `decode_item` (its parser enforces `max_json_depth`).
std::optional<field_error> index_json(std::string_view payload,
                                      size_t max_items, import_index& out) {
  auto n = payload.size();
  auto pos = skip_bom(payload);
  while (pos < n && json_space(payload[pos]))
    ++pos;
  if (pos >= n || payload[pos] != '[')
    return fail("body", "must be a JSON array of todos");
  ++pos;
  auto unterminated = fail("body", "the JSON array is not terminated");
  while (pos < n && json_space(payload[pos]))
    ++pos;
  if (pos < n && payload[pos] == ']') {
    ++pos;
  } else {
    for (;;) {
      while (pos < n && json_space(payload[pos]))
        ++pos;
      auto start = pos;
      size_t depth = 0;
      for (; pos < n; ++pos) {
        auto c = payload[pos];
        if (c == '"') {
          // A string: to its closing quote, escapes skipped.
          for (++pos; pos < n && payload[pos] != '"'; ++pos)
            if (payload[pos] == '\\')
              ++pos;
          if (pos >= n)
            return unterminated;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if (c == '}' || c == ']') {
          if (depth == 0) {
            if (c == ']')
              break;
            return fail("body",
                        "unexpected `}` at byte " + std::to_string(pos));
          }
          --depth;
        } else if (c == ',' && depth == 0) {
          break;
        }
      }
      if (pos >= n)
        return unterminated;
      auto end = pos;
      while (end > start && json_space(payload[end - 1]))
        --end;
      if (end == start)
        return fail("body",
                    "empty array element at byte " + std::to_string(pos));
      if (out.items.size() >= max_items)
        return fail("items", "more than " + std::to_string(max_items)
                               + " items in one import");
      out.items.push_back(import_span{start, end - start, {}});
      if (payload[pos++] == ']')
        break;
    }
  }
  while (pos < n && json_space(payload[pos]))
    ++pos;
  if (pos < n)
    return fail("body",
                "text after the JSON array at byte " + std::to_string(pos));
  return std::nullopt;
}

std::optional<field_error> read_json(std::string_view text, json& body) {
  if (auto err = parse_client_json(text, body)) {
    // "the body is not valid JSON" -> "the item ...".
    if (err->detail.rfind("the body", 0) == 0)
      err->detail.replace(0, 8, "the item");
    return err;
  }
  if (!body.is_object())
    return fail("", "item must be a JSON object");
  // What the server assigns (and `project`/`project_id` of other todo
  // services' exports).
  for (auto key : {"id", "version", "created_at", "updated_at", "completed_at",
                   "url", "project", "project_id"})
    body.erase(key);
  strip_read_only(body);
  return std::nullopt;
}

// -- CSV -------------------------------------------------------------------

enum class csv_status { ok, unterminated, junk_after_quote };

struct csv_record {
  /// End of the record's text (before its line break).
  size_t end = 0;
  /// Start of the next record.
  size_t next = 0;
  csv_status status = csv_status::ok;
  /// More fields than `max_fields`: the rest were not kept.
  bool too_many_fields = false;
};

/// Scans one RFC 4180 record from `pos` (fields into `fields` when given).
/// A record ends at an unquoted CRLF, LF or CR, or at the end of `text`.
/// Both `index_import` and `decode_item` read records with this, so they
/// agree on where one ends.
csv_record scan_csv(std::string_view text, size_t pos,
                    std::vector<std::string>* fields,
                    size_t max_fields = static_cast<size_t>(-1)) {
  auto n = text.size();
  csv_record result;
  auto is_break = [](char c) { return c == '\n' || c == '\r'; };
  for (;;) {
    std::string field;
    if (pos < n && text[pos] == '"') {
      for (++pos;;) {
        auto quote = text.find('"', pos);
        if (quote == std::string_view::npos) {
          result.end = result.next = n;
          result.status = csv_status::unterminated;
          return result;
        }
        if (fields != nullptr)
          field.append(text.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < n && text[pos] == '"') {
          field += '"';
          ++pos;
          continue;
        }
        break;
      }
      // Anything between the closing quote and the next separator.
      auto stop = pos;
      while (stop < n && text[stop] != ',' && !is_break(text[stop]))
        ++stop;
      if (stop > pos) {
        result.status = csv_status::junk_after_quote;
        if (fields != nullptr)
          field.append(text.substr(pos, stop - pos));
      }
      pos = stop;
    } else {
      auto stop = pos;
      while (stop < n && text[stop] != ',' && !is_break(text[stop]))
        ++stop;
      if (fields != nullptr)
        field.assign(text.substr(pos, stop - pos));
      pos = stop;
    }
    if (fields != nullptr && fields->size() >= max_fields) {
      // A row of a million commas must not become a million strings.
      result.too_many_fields = true;
      fields = nullptr;
    }
    if (fields != nullptr)
      fields->push_back(std::move(field));
    if (pos >= n) {
      result.end = result.next = n;
      return result;
    }
    if (text[pos] == ',') {
      ++pos;
      continue;
    }
    result.end = pos;
    result.next = pos
                  + (text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n'
                       ? 2
                       : 1);
    return result;
  }
}

size_t line_of(std::string_view payload, size_t pos) {
  return 1 + std::count(payload.begin(), payload.begin() + pos, '\n');
}

std::string ascii_trim_lower(std::string_view x) {
  auto first = x.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  x = x.substr(first, x.find_last_not_of(" \t") - first + 1);
  std::string out{x};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<field_error> index_csv(std::string_view payload, size_t max_items,
                                     import_index& out) {
  auto n = payload.size();
  auto pos = skip_bom(payload);
  std::vector<std::string> names;
  auto header = scan_csv(payload, pos, &names, csv_columns().size() + 1);
  if (header.status == csv_status::unterminated)
    return fail("body", "line 1: a quoted field is not terminated");
  if (header.status == csv_status::junk_after_quote)
    return fail("body",
                "line 1: text after the closing quote of a column name");
  if (header.too_many_fields)
    return fail("body", "the header names more than the "
                          + std::to_string(csv_columns().size())
                          + " columns there are");
  if (names.size() == 1 && ascii_trim_lower(names[0]).empty())
    return fail("body", "the first row must be a header row naming the "
                        "columns (title is required)");
  auto& known = csv_columns();
  for (auto& name : names) {
    auto canonical = ascii_trim_lower(name);
    if (std::find(known.begin(), known.end(), canonical) == known.end()) {
      std::string list;
      for (auto& k : known)
        list += (list.empty() ? "" : ", ") + std::string{k};
      return fail("body",
                  "unknown column `" + name + "` (columns: " + list + ")");
    }
    if (std::find(out.columns.begin(), out.columns.end(), canonical)
        != out.columns.end())
      return fail("body", "column `" + canonical + "` appears twice");
    out.columns.push_back(std::move(canonical));
  }
  if (std::find(out.columns.begin(), out.columns.end(), "title")
      == out.columns.end())
    return fail("body", "the header has no `title` column");
  auto add = [&](size_t offset, size_t length) -> std::optional<field_error> {
    if (out.items.size() >= max_items)
      return fail("items", "more than " + std::to_string(max_items)
                             + " items in one import");
    out.items.push_back(import_span{offset, length, {}});
    return std::nullopt;
  };
  // Blank lines are (empty) records unless nothing else follows them: the
  // first of a run is remembered, the run added once a record follows.
  std::optional<size_t> blank;
  for (pos = header.next; pos < n;) {
    auto rec = scan_csv(payload, pos, nullptr);
    if (rec.status == csv_status::unterminated)
      return fail("body", "line " + std::to_string(line_of(payload, pos))
                            + ": a quoted field is not terminated");
    if (rec.end == pos) {
      if (!blank)
        blank = pos;
    } else {
      for (auto at = blank.value_or(pos); at < pos;
           at = scan_csv(payload, at, nullptr).next)
        if (auto err = add(at, 0))
          return err;
      blank.reset();
      if (auto err = add(pos, rec.end - pos))
        return err;
    }
    pos = rec.next;
  }
  return std::nullopt;
}

bool server_column(std::string_view name) {
  return name == "id" || name == "completed_at" || name == "created_at"
         || name == "updated_at";
}

std::string column(std::string_view name) {
  return "column `" + std::string{name} + "`";
}

/// A JSON column's value (`reminders`, `recurrence`, `tags` as an array).
std::optional<field_error> json_column(const std::string& name,
                                       std::string_view text, json& out) {
  if (auto err = parse_client_json(text, out))
    return fail(name, column(name) + ": "
                        + (err->detail.rfind("the body", 0) == 0
                             ? "not valid JSON (UTF-8)"
                             : err->detail));
  return std::nullopt;
}

std::optional<field_error> read_csv(std::string_view text,
                                    const std::vector<std::string>& columns,
                                    json& body) {
  std::vector<std::string> fields;
  auto rec = scan_csv(text, 0, &fields, columns.size() + 1);
  if (rec.status != csv_status::ok || rec.end != text.size())
    return fail("", "malformed row: text after the closing quote of a field");
  if (rec.too_many_fields)
    return fail("", "the row has more fields than the header's "
                      + std::to_string(columns.size()));
  if (fields.size() != columns.size())
    return fail("", "the row has " + std::to_string(fields.size())
                      + " fields, the header "
                      + std::to_string(columns.size()));
  body = json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    auto& name = columns[i];
    auto& value = fields[i];
    if (value.empty() || server_column(name))
      continue;
    if (name == "completed") {
      auto v = ascii_trim_lower(value);
      if (v != "true" && v != "false")
        return fail(name, column(name) + ": must be true or false");
      body[name] = v == "true";
    } else if (name == "order") {
      json number;
      if (parse_client_json(value, number) || !number.is_number())
        return fail(name, column(name) + ": must be a number");
      body[name] = std::move(number);
    } else if (name == "tags") {
      if (value.front() == '[') {
        if (auto err = json_column(name, value, body[name]))
          return err;
      } else {
        // The inverse of the export: split at every comma, nothing trimmed.
        auto tags = json::array();
        size_t from = 0;
        for (;;) {
          auto comma = value.find(',', from);
          tags.push_back(value.substr(from, comma - from));
          if (comma == std::string::npos)
            break;
          from = comma + 1;
        }
        body[name] = std::move(tags);
      }
    } else if (name == "reminders" || name == "recurrence") {
      if (auto err = json_column(name, value, body[name]))
        return err;
    } else {
      body[name] = value; // title, notes, priority, due, time_zone
    }
  }
  strip_read_only(body);
  return std::nullopt;
}

// -- Errors ----------------------------------------------------------------

/// Where the value of API field `field` came from: the iCalendar property
/// or the CSV column (empty for JSON, whose fields are the API's own).
std::string source_of(import_format format, const std::string& field) {
  auto top = field.substr(0, field.find('/'));
  if (top.empty() || format == import_format::json)
    return {};
  if (format == import_format::csv)
    return column(top);
  if (field.rfind("recurrence/exdates", 0) == 0)
    return "EXDATE";
  static constexpr std::pair<std::string_view, std::string_view> props[] = {
    {"title", "SUMMARY"},    {"notes", "DESCRIPTION"},
    {"completed", "STATUS"}, {"priority", "PRIORITY"},
    {"tags", "CATEGORIES"},  {"due", "DUE"},
    {"time_zone", "DUE"},    {"reminders", "VALARM TRIGGER"},
    {"recurrence", "RRULE"},
  };
  for (auto& [api, prop] : props)
    if (top == api)
      return std::string{prop};
  return {};
}

std::optional<field_error>
decode(import_format format, std::string_view payload,
       const import_index& index, const import_span& span, import_item& out) {
  if (span.offset > payload.size()
      || span.length > payload.size() - span.offset)
    return fail("", "the item lies outside the payload");
  if (span.length > max_item_bytes)
    return fail("", "the item is larger than "
                      + std::to_string(max_item_bytes / 1024) + " KiB");
  auto text = payload.substr(span.offset, span.length);
  json body;
  std::optional<field_error> err;
  switch (format) {
    case import_format::json: err = read_json(text, body); break;
    case import_format::csv: err = read_csv(text, index.columns, body); break;
    case import_format::ics:
      if (!valid_utf8(span.uid))
        return fail("", "UID is not valid UTF-8");
      err = ics::read(text, body);
      break;
  }
  if (err)
    return err;
  if (auto path = bad_utf8(body, "")) {
    auto src = source_of(format, *path);
    return fail(*path, (src.empty() ? "" : src + ": ") + "not valid UTF-8");
  }
  actors::domain::todo_patch patch;
  std::string canonical_text;
  if (auto refused = decode_todo_body(body, true, patch, canonical_text)) {
    auto src = source_of(format, refused->field);
    if (!src.empty())
      refused->detail = src + ": " + refused->detail;
    return refused;
  }
  out.body = std::move(body);
  out.uid = span.uid;
  return std::nullopt;
}

} // namespace

std::string_view to_string(import_format x) {
  switch (x) {
    case import_format::ics: return "ics";
    case import_format::json: return "json";
    case import_format::csv: return "csv";
  }
  return "json";
}

std::optional<import_format> import_format_of(std::string_view media_type) {
  if (media_type == "text/calendar")
    return import_format::ics;
  if (media_type == "application/json")
    return import_format::json;
  if (media_type == "text/csv")
    return import_format::csv;
  return std::nullopt;
}

std::optional<field_error> index_import(import_format format,
                                        std::string_view payload,
                                        size_t max_items, import_index& out) {
  out = import_index{};
  std::optional<field_error> err;
  try {
    switch (format) {
      case import_format::json:
        err = index_json(payload, max_items, out);
        break;
      case import_format::csv: err = index_csv(payload, max_items, out); break;
      case import_format::ics: err = ics::index(payload, max_items, out); break;
    }
  } catch (const std::exception& ex) {
    err = fail("body", std::string{"cannot be read: "} + ex.what());
  }
  if (err)
    out = import_index{};
  return cleaned(std::move(err));
}

std::optional<field_error>
decode_item(import_format format, std::string_view payload,
            const import_index& index, const import_span& span,
            import_item& out) {
  std::optional<field_error> err;
  try {
    err = decode(format, payload, index, span, out);
  } catch (const std::exception& ex) {
    err = fail("", std::string{"the item cannot be read: "} + ex.what());
  }
  return cleaned(std::move(err));
}

json replacing_body(const json& body) {
  auto out = body;
  if (!out.is_object())
    return out;
  auto reset = [&out](const char* key, json value) {
    if (!out.contains(key))
      out[key] = std::move(value);
  };
  reset("notes", nullptr);
  reset("due", nullptr);
  reset("time_zone", nullptr);
  reset("recurrence", nullptr);
  reset("tags", json::array());
  reset("reminders", json::array());
  reset("completed", false);
  reset("priority", "none");
  return out;
}

} // namespace actodo::io::codec
