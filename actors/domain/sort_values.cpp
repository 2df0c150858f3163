#include "actors/domain/sort_values.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

using json = nlohmann::json;

/// Version tag of the cursor format.
constexpr int cursor_format = 1;

const std::vector<sort_key>& effective(const std::vector<sort_key>& keys) {
  static const std::vector<sort_key> fallback{
    sort_key{sort_key::created_at, false}};
  return keys.empty() ? fallback : keys;
}

template<class T>
int cmp(const T& x, const T& y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

/// Ascending comparison of a single field.
int compare_field(sort_key::field_t field, const sort_values& x,
                  const sort_values& y) {
  switch (field) {
    case sort_key::due:
      if (x.due && y.due)
        return cmp(*x.due, *y.due);
      // Missing due dates sort last.
      return cmp(!x.due.has_value(), !y.due.has_value());
    case sort_key::priority:
      return cmp(static_cast<int>(x.prio), static_cast<int>(y.prio));
    case sort_key::created_at: return cmp(x.created_at, y.created_at);
    case sort_key::updated_at: return cmp(x.updated_at, y.updated_at);
    case sort_key::order: return cmp(x.order, y.order);
    case sort_key::title:
      if (auto res = cmp(x.title_folded, y.title_folded); res != 0)
        return res;
      return cmp(x.title, y.title);
  }
  return 0;
}

json field_value(sort_key::field_t field, const sort_values& x) {
  switch (field) {
    case sort_key::due: return x.due ? json(*x.due) : json(nullptr);
    case sort_key::priority: return std::string{to_string(x.prio)};
    case sort_key::created_at: return x.created_at;
    case sort_key::updated_at: return x.updated_at;
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
    case sort_key::updated_at:
    case sort_key::title:
      if (!val.is_string())
        return false;
      if (field == sort_key::created_at)
        out.created_at = val.get<std::string>();
      else if (field == sort_key::updated_at)
        out.updated_at = val.get<std::string>();
      else
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

sort_values make_sort_values(const todo& x) {
  sort_values result;
  if (!x.due.empty())
    result.due = parse_rfc3339(x.due, true);
  result.prio = x.prio;
  result.created_at = x.created_at;
  result.updated_at = x.updated_at;
  result.order = x.order;
  result.title = x.title;
  result.title_folded = ascii_lower(x.title);
  result.id = x.id;
  return result;
}

int compare(const std::vector<sort_key>& keys, const sort_values& x,
            const sort_values& y) {
  for (auto& key : effective(keys))
    if (auto res = compare_field(key.field, x, y); res != 0)
      return key.descending ? -res : res;
  return cmp(x.id, y.id);
}

std::string encode_cursor(const std::vector<sort_key>& keys,
                          const sort_values& x) {
  auto values = json::array();
  for (auto& key : effective(keys))
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
  auto& eff = effective(keys);
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

} // namespace actodo::actors::domain
