// Import files: the helpers every format shares, the dispatch to the formats
// (JSON in import_json.cpp, CSV in import_csv.cpp, iCalendar in
// ics_import.cpp) and the checks every item's body goes through.
#include "io/codec/import_codec.hpp"

#include <exception>

#include "actors/domain/project.hpp"
#include "io/codec/command_body.hpp"
#include "io/codec/import_parts.hpp"

namespace actodo::io::codec {

namespace {

using nlohmann::json;

/// No valid item comes near this (a title of 500 and notes of 10,000 code
/// points, 20 tags, 10 reminders, 100 exdates): a bigger one is refused
/// before it is parsed.
constexpr size_t max_item_bytes = 1024 * 1024;

/// The longest detail text; details may quote the input.
constexpr size_t max_detail_bytes = 300;

} // namespace

// -- Helpers (import_parts.hpp) --------------------------------------------

namespace import_detail {

field_error fail(std::string field, std::string detail) {
  return field_error{std::move(field), std::move(detail)};
}

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

void strip_read_only(json& body) {
  if (auto r = body.find("reminders"); r != body.end() && r->is_array())
    for (auto& x : *r)
      if (x.is_object())
        for (auto key : {"next", "snoozed_until"})
          x.erase(key);
  if (auto r = body.find("recurrence"); r != body.end() && r->is_object())
    for (auto key : {"series_id", "next_id"})
      r->erase(key);
}

} // namespace import_detail

namespace {

using import_detail::bad_utf8;
using import_detail::cleaned;
using import_detail::fail;
using import_detail::valid_utf8;

// -- Errors ----------------------------------------------------------------

/// Where the value of API field `field` came from: the iCalendar property
/// or the CSV column (empty for JSON, whose fields are the API's own).
std::string source_of(import_format format, const std::string& field) {
  auto top = field.substr(0, field.find('/'));
  if (top.empty() || format == import_format::json)
    return {};
  if (format == import_format::csv)
    return csv_items::column(top);
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
    case import_format::json: err = json_items::read(text, body); break;
    case import_format::csv:
      err = csv_items::read(text, index.columns, body);
      break;
    case import_format::ics:
      if (!span.broken.empty())
        return fail("", "the VTODO is not well formed: " + span.broken);
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
  if (auto r = body.find("reminders"); r != body.end() && r->is_array())
    if (auto err = import_detail::take_reminder_states(*r, out)) {
      auto src = source_of(format, err->field);
      if (!src.empty())
        err->detail = src + ": " + err->detail;
      return err;
    }
  if (auto r = body.find("recurrence"); r != body.end() && r->is_object())
    if (auto err = import_detail::take_series_state(*r, out)) {
      auto src = source_of(format, err->field);
      if (!src.empty())
        err->detail = src + ": " + err->detail;
      return err;
    }
  std::string project;
  if (auto i = body.find("project"); i != body.end()) {
    actors::domain::project_patch named;
    if (!i->is_null()) {
      if (auto bad = actors::domain::parse_project_patch({{"name", *i}}, true,
                                                         named))
        return fail("project", bad->detail);
      project = std::move(*named.name);
    }
    body.erase(i);
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
  out.project = std::move(project);
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
        err = json_items::index(payload, max_items, out);
        break;
      case import_format::csv:
        err = csv_items::index(payload, max_items, out);
        break;
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

std::vector<import_link> import_links(import_format format,
                                      std::string_view payload,
                                      const import_index& index) {
  std::vector<import_link> result;
  if (format == import_format::json)
    json_items::links(payload, index, result);
  else if (format == import_format::csv)
    csv_items::links(payload, index, result);
  else
    ics::links(index, result);
  return result;
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
