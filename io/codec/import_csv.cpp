// Import files in CSV (RFC 4180, a header row naming the columns): records
// indexed by the quote rules, then one record at a time into a create body.
#include <algorithm>
#include <string>
#include <vector>

#include "io/codec/command_body.hpp"
#include "io/codec/export_codec.hpp"
#include "io/codec/import_parts.hpp"

namespace actodo::io::codec::csv_items {

namespace {

using import_detail::fail;
using import_detail::skip_bom;
using import_detail::strip_read_only;
using nlohmann::json;

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

/// What the server assigns, and the links between items (`links`).
bool server_column(std::string_view name) {
  return name == "id" || name == "completed_at" || name == "created_at"
         || name == "updated_at" || name == "parent_id";
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

} // namespace

std::optional<field_error> index(std::string_view payload, size_t max_items,
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
    out.items.push_back(import_span{offset, length, {}, {}, {}});
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

std::string column(std::string_view name) {
  return "column `" + std::string{name} + "`";
}

std::optional<field_error> read(std::string_view text,
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
    if (name == "completed" || name == "archived") {
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
      body[name] = value; // title, notes, priority, due, time_zone, project
    }
  }
  strip_read_only(body);
  return std::nullopt;
}

void links(std::string_view payload, const import_index& index,
           std::vector<import_link>& out) {
  out.clear();
  auto& cols = index.columns;
  auto id = std::find(cols.begin(), cols.end(), "id") - cols.begin();
  auto parent = std::find(cols.begin(), cols.end(), "parent_id") - cols.begin();
  if (static_cast<size_t>(parent) == cols.size())
    return;
  out.resize(index.items.size());
  bool any = false;
  std::vector<std::string> fields;
  for (size_t i = 0; i < index.items.size(); ++i) {
    auto& span = index.items[i];
    fields.clear();
    auto rec = scan_csv(payload.substr(span.offset, span.length), 0, &fields,
                        cols.size() + 1);
    if (rec.status != csv_status::ok || fields.size() != cols.size())
      continue; // `read` reports it.
    if (static_cast<size_t>(id) < cols.size())
      out[i].id = std::move(fields[static_cast<size_t>(id)]);
    out[i].parent = std::move(fields[static_cast<size_t>(parent)]);
    any = any || !out[i].parent.empty();
  }
  if (!any)
    out.clear();
}

} // namespace actodo::io::codec::csv_items
