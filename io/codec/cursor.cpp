#include "io/codec/cursor.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/sort_values.hpp"
#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"

namespace actodo::io::codec {

namespace {

using json = nlohmann::json;
using namespace actors::domain;

/// Version tag of the cursor format.
constexpr int cursor_format = 1;

json field_value(sort_key::field_t field, const sort_values& x) {
  switch (field) {
    case sort_key::due: return x.due ? json(*x.due) : json(nullptr);
    case sort_key::priority: return std::string{to_string(x.prio)};
    // Instants as RFC 3339 text, as cursors of format 1 always had them.
    case sort_key::created_at: return format_rfc3339_ms(x.created_ms);
    case sort_key::updated_at: return format_rfc3339_ms(x.updated_ms);
    case sort_key::order: return x.order;
    case sort_key::title: return x.title;
  }
  return nullptr;
}

/// Stores `val` into the member of `out` selected by `field`.
bool read_field(sort_key::field_t field, const json& val, sort_values& out) {
  switch (field) {
    case sort_key::due:
      if (val.is_null()) {
        out.due = std::nullopt;
        return true;
      }
      if (!val.is_number_integer())
        return false;
      out.due = val.get<int64_t>();
      return true;
    case sort_key::priority:
      if (!val.is_string())
        return false;
      if (auto prio = parse_priority(val.get_ref<const std::string&>())) {
        out.prio = *prio;
        return true;
      }
      return false;
    case sort_key::created_at:
    case sort_key::updated_at: {
      if (!val.is_string())
        return false;
      auto ms = parse_rfc3339(val.get_ref<const std::string&>(), false);
      if (!ms)
        return false;
      (field == sort_key::created_at ? out.created_ms : out.updated_ms) = *ms;
      return true;
    }
    case sort_key::title:
      if (!val.is_string())
        return false;
      out.title = val.get<std::string>();
      return true;
    case sort_key::order:
      if (!val.is_number())
        return false;
      out.order = val.get<double>();
      return true;
  }
  return false;
}

} // namespace

std::string encode_cursor(const std::vector<sort_key>& keys,
                          const sort_values& x) {
  auto values = json::array();
  for (auto& key : effective_sort(keys))
    values.push_back(field_value(key.field, x));
  json obj{
    {"f", cursor_format},
    {"s", format_sort(keys)},
    {"k", std::move(values)},
    {"id", x.id},
  };
  return base64url_encode(obj.dump());
}

std::optional<std::string> decode_cursor(std::string_view cursor,
                                         const std::vector<sort_key>& keys,
                                         sort_values& out) {
  std::string decoded;
  if (!base64url_decode(cursor, decoded))
    return "malformed cursor";
  auto obj = json::parse(decoded, nullptr, false);
  if (!obj.is_object())
    return "malformed cursor";
  auto f = obj.find("f");
  auto s = obj.find("s");
  auto k = obj.find("k");
  auto id = obj.find("id");
  if (f == obj.end() || s == obj.end() || k == obj.end() || id == obj.end()
      || !f->is_number_integer() || f->get<int64_t>() != cursor_format
      || !s->is_string() || !k->is_array() || !id->is_string())
    return "malformed cursor";
  if (s->get_ref<const std::string&>() != format_sort(keys))
    return "cursor belongs to a different sort order";
  auto& eff = effective_sort(keys);
  if (k->size() != eff.size())
    return "malformed cursor";
  sort_values result;
  for (size_t i = 0; i < eff.size(); ++i)
    if (!read_field(eff[i].field, (*k)[i], result))
      return "malformed cursor";
  result.title_folded = ascii_lower(result.title);
  result.id = id->get<std::string>();
  out = std::move(result);
  return std::nullopt;
}

std::optional<field_error>
decode_query(const std::vector<std::pair<std::string, std::string>>& params,
             query& out) {
  std::vector<std::pair<std::string, std::string>> rest;
  rest.reserve(params.size());
  const std::string* cursor = nullptr;
  for (auto& kvp : params) {
    if (kvp.first != "cursor") {
      rest.push_back(kvp);
    } else if (cursor != nullptr) {
      return field_error{"cursor", "must not be given more than once"};
    } else {
      cursor = &kvp.second;
    }
  }
  query result;
  if (auto err = parse_query(rest, result))
    return err;
  if (cursor != nullptr && !cursor->empty()) {
    sort_values pos;
    if (auto err = decode_cursor(*cursor, result.sort, pos))
      return field_error{"cursor", std::move(*err)};
    result.after = std::move(pos);
  }
  out = std::move(result);
  return std::nullopt;
}

} // namespace actodo::io::codec
