// Import files in JSON: the top-level array's elements indexed without
// parsing them, then one element at a time into a create body.
#include <string>

#include "io/codec/command_body.hpp"
#include "io/codec/import_parts.hpp"

namespace actodo::io::codec::json_items {

namespace {

using import_detail::fail;
using import_detail::skip_bom;
using import_detail::strip_read_only;
using nlohmann::json;

bool json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

/// The elements of a top-level array, without parsing them: strings (with
/// escapes) and nesting are followed; what is inside an element is left to
/// `decode_item` (its parser enforces `max_json_depth`).
std::optional<field_error> index(std::string_view payload, size_t max_items,
                                 import_index& out) {
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
      out.items.push_back(import_span{start, end - start, {}, {}, {}});
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

std::optional<field_error> read(std::string_view text, json& body) {
  if (auto err = parse_client_json(text, body)) {
    // "the body is not valid JSON" -> "the item ...".
    if (err->detail.rfind("the body", 0) == 0)
      err->detail.replace(0, 8, "the item");
    return err;
  }
  if (!body.is_object())
    return fail("", "item must be a JSON object");
  // What the server assigns, and the links between ids of the exporting
  // account (`project` names the project instead; the job turns `id` and
  // `parent_id` into a link between items of the file: `import_links`).
  for (auto key : {"id", "version", "created_at", "updated_at", "completed_at",
                   "url", "project_id", "parent_id"})
    body.erase(key);
  strip_read_only(body);
  return std::nullopt;
}

void links(std::string_view payload, const import_index& index,
           std::vector<import_link>& out) {
  out.clear();
  if (payload.find("\"parent_id\"") == std::string_view::npos)
    return;
  out.resize(index.items.size());
  bool any = false;
  for (size_t i = 0; i < index.items.size(); ++i) {
    auto& span = index.items[i];
    auto item = json::parse(payload.substr(span.offset, span.length), nullptr,
                            false);
    if (!item.is_object())
      continue;
    if (auto id = item.find("id"); id != item.end() && id->is_string())
      out[i].id = id->get<std::string>();
    if (auto parent = item.find("parent_id");
        parent != item.end() && parent->is_string()) {
      out[i].parent = parent->get<std::string>();
      any = any || !out[i].parent.empty();
    }
  }
  if (!any)
    out.clear();
}

} // namespace actodo::io::codec::json_items
