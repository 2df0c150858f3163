#include "actors/domain/query.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "actors/domain/sort_values.hpp"
#include "actors/domain/text.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

namespace {

using error = std::optional<field_error>;

error fail(std::string field, std::string detail) {
  return field_error{std::move(field), std::move(detail)};
}

constexpr std::pair<std::string_view, sort_key::field_t> sort_fields[] = {
  {"due", sort_key::due},
  {"priority", sort_key::priority},
  {"created_at", sort_key::created_at},
  {"updated_at", sort_key::updated_at},
  {"order", sort_key::order},
  {"title", sort_key::title},
};

std::string_view field_name(sort_key::field_t field) {
  for (auto& [name, x] : sort_fields)
    if (x == field)
      return name;
  return "created_at";
}

error parse_sort(std::string_view str, std::vector<sort_key>& out) {
  std::vector<sort_key> result;
  std::set<sort_key::field_t> seen;
  for (;;) {
    auto sep = str.find(',');
    auto item = str.substr(0, sep);
    sort_key key{sort_key::created_at, false};
    if (!item.empty() && item.front() == '-') {
      key.descending = true;
      item.remove_prefix(1);
    }
    auto i = std::find_if(std::begin(sort_fields), std::end(sort_fields),
                          [item](auto& x) { return x.first == item; });
    if (i == std::end(sort_fields))
      return fail("sort", "unknown sort field '" + std::string{item}
                            + "' (expected a comma-separated list of due, "
                              "priority, created_at, updated_at, order, "
                              "title, each optionally prefixed with '-')");
    key.field = i->second;
    if (!seen.insert(key.field).second)
      return fail("sort", "duplicate sort field '" + std::string{item} + "'");
    result.push_back(key);
    if (sep == std::string_view::npos)
      break;
    str.remove_prefix(sep + 1);
  }
  out = std::move(result);
  return std::nullopt;
}

error parse_limit(std::string_view str, size_t& out) {
  auto bad = fail("limit", "must be an integer between 1 and "
                             + std::to_string(max_query_limit));
  if (str.empty() || str.size() > 6)
    return bad;
  size_t val = 0;
  for (auto c : str) {
    if (c < '0' || c > '9')
      return bad;
    val = val * 10 + static_cast<size_t>(c - '0');
  }
  if (val < 1 || val > max_query_limit)
    return bad;
  out = val;
  return std::nullopt;
}

bool is_repeatable(std::string_view key) {
  return key == "priority" || key == "tag";
}

} // namespace

bool matches(const query& q, const todo& x, const sort_values& vals) {
  if (q.archived && x.archived != *q.archived)
    return false;
  if (q.completed && x.completed != *q.completed)
    return false;
  if (q.project && x.project_id != *q.project)
    return false;
  if (q.parent && x.parent_id != *q.parent)
    return false;
  if (!q.priorities.empty()
      && std::find(q.priorities.begin(), q.priorities.end(), x.prio)
           == q.priorities.end())
    return false;
  for (auto& tag : q.tags) {
    auto has_tag = [&tag](std::string_view y) { return iequals(tag, y); };
    if (std::none_of(x.tags.begin(), x.tags.end(), has_tag))
      return false;
  }
  if (!q.q.empty() && !icontains(x.title, q.q) && !icontains(x.notes, q.q))
    return false;
  if (q.due_before && (!vals.due || *vals.due >= *q.due_before))
    return false;
  if (q.due_after && (!vals.due || *vals.due < *q.due_after))
    return false;
  return true;
}

std::string format_sort(const std::vector<sort_key>& keys) {
  if (keys.empty())
    return "created_at";
  std::string result;
  for (auto& key : keys) {
    if (!result.empty())
      result += ',';
    if (key.descending)
      result += '-';
    result += field_name(key.field);
  }
  return result;
}

std::optional<field_error>
parse_query(const std::vector<std::pair<std::string, std::string>>& params,
            query& out) {
  query result;
  std::set<std::string_view> seen;
  constexpr std::string_view time_detail = "must be an RFC 3339 date or "
                                           "date-time with time zone offset";
  for (auto& [key, val] : params) {
    if (!seen.insert(key).second && !is_repeatable(key))
      return fail(key, "must not be given more than once");
    if (key == "completed" || key == "archived") {
      if (val != "true" && val != "false")
        return fail(key, "must be true or false");
      (key == "completed" ? result.completed : result.archived) = val == "true";
    } else if (key == "project") {
      if (!valid_id(val))
        return fail(key, "must be a project id");
      result.project = val;
    } else if (key == "parent") {
      if (val != "null" && !valid_id(val))
        return fail(key, "must be a todo id or null");
      result.parent = val == "null" ? std::string{} : val;
    } else if (key == "priority") {
      auto prio = parse_priority(val);
      if (!prio)
        return fail(key, "must be one of none, low, medium, high, urgent");
      result.priorities.push_back(*prio);
    } else if (key == "tag") {
      if (val.empty())
        return fail(key, "must not be empty");
      result.tags.push_back(val);
    } else if (key == "q") {
      result.q = val;
    } else if (key == "due_before" || key == "due_after") {
      auto ts = parse_rfc3339(val, true);
      if (!ts)
        return fail(key, std::string{time_detail});
      (key == "due_before" ? result.due_before : result.due_after) = ts;
    } else if (key == "sort") {
      if (auto err = parse_sort(val, result.sort))
        return err;
    } else if (key == "limit") {
      if (auto err = parse_limit(val, result.limit))
        return err;
    } else {
      return fail(key, "unknown query parameter");
    }
  }
  out = std::move(result);
  return std::nullopt;
}

std::variant<page, field_error>
run_query(const query& q, const std::vector<const todo*>& todos) {
  std::vector<sort_values> values;
  values.reserve(todos.size());
  for (auto ptr : todos)
    values.push_back(make_sort_values(*ptr));
  std::vector<sortable> xs;
  xs.reserve(todos.size());
  for (size_t i = 0; i < todos.size(); ++i)
    xs.push_back({todos[i], &values[i]});
  return run_query(q, xs);
}

std::variant<page, field_error> run_query(const query& q,
                                          const std::vector<sortable>& todos) {
  auto& after = q.after;
  std::vector<sortable> hits;
  for (auto& x : todos) {
    if (!matches(q, *x.item, *x.values))
      continue;
    if (after && compare(q.sort, *x.values, *after) <= 0)
      continue;
    hits.push_back(x);
  }
  auto limit = std::clamp(q.limit, size_t{1}, max_query_limit);
  auto less = [&q](const sortable& x, const sortable& y) {
    return compare(q.sort, *x.values, *y.values) < 0;
  };
  auto n = std::min(hits.size(), limit);
  std::partial_sort(hits.begin(), hits.begin() + static_cast<ptrdiff_t>(n),
                    hits.end(), less);
  page result;
  result.items.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result.items.push_back(hits[i].item);
  if (hits.size() > n)
    result.next = *hits[n - 1].values;
  return result;
}

} // namespace actodo::actors::domain
