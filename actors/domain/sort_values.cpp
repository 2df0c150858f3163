#include "actors/domain/sort_values.hpp"

#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

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
    case sort_key::created_at: return cmp(x.created_ms, y.created_ms);
    case sort_key::updated_at: return cmp(x.updated_ms, y.updated_ms);
    case sort_key::order: return cmp(x.order, y.order);
    case sort_key::title:
      if (auto res = cmp(x.title_folded, y.title_folded); res != 0)
        return res;
      return cmp(x.title, y.title);
  }
  return 0;
}

} // namespace

const std::vector<sort_key>& effective_sort(const std::vector<sort_key>& keys) {
  static const std::vector<sort_key> fallback{
    sort_key{sort_key::created_at, false}};
  return keys.empty() ? fallback : keys;
}

sort_values make_sort_values(const todo& x) {
  sort_values result;
  if (!x.due.empty())
    result.due = parse_rfc3339(x.due, true);
  result.prio = x.prio;
  result.created_ms = x.created_ms;
  result.updated_ms = x.updated_ms;
  result.order = x.order;
  result.title = x.title;
  result.title_folded = ascii_lower(x.title);
  result.id = x.id;
  return result;
}

int compare(const std::vector<sort_key>& keys, const sort_values& x,
            const sort_values& y) {
  for (auto& key : effective_sort(keys))
    if (auto res = compare_field(key.field, x, y); res != 0)
      return key.descending ? -res : res;
  return cmp(x.id, y.id);
}

} // namespace actodo::actors::domain
