#include "actors/domain/todo.hpp"

namespace actodo::domain {

namespace {

/// Returns `obj[key]` as string, mapping null to the empty string.
std::string nullable_string(const nlohmann::json& obj, const char* key) {
  auto i = obj.find(key);
  if (i == obj.end() || i->is_null())
    return {};
  return i->get<std::string>();
}

nlohmann::json nullable_json(const std::string& str) {
  if (str.empty())
    return nullptr;
  return str;
}

} // namespace

std::string_view to_string(priority x) {
  switch (x) {
    case priority::none: return "none";
    case priority::low: return "low";
    case priority::medium: return "medium";
    case priority::high: return "high";
    case priority::urgent: return "urgent";
  }
  return "none";
}

std::optional<priority> parse_priority(std::string_view str) {
  for (auto x : {priority::none, priority::low, priority::medium,
                 priority::high, priority::urgent})
    if (to_string(x) == str)
      return x;
  return std::nullopt;
}

bool operator==(const todo& x, const todo& y) {
  return x.id == y.id && x.title == y.title && x.notes == y.notes
         && x.completed == y.completed && x.completed_at == y.completed_at
         && x.prio == y.prio && x.tags == y.tags && x.due == y.due
         && x.order == y.order && x.created_at == y.created_at
         && x.updated_at == y.updated_at && x.version == y.version;
}

nlohmann::json to_json(const todo& x) {
  return nlohmann::json{
    {"id", x.id},
    {"title", x.title},
    {"notes", x.notes},
    {"completed", x.completed},
    {"completed_at", nullable_json(x.completed_at)},
    {"priority", std::string{to_string(x.prio)}},
    {"tags", x.tags},
    {"due", nullable_json(x.due)},
    {"order", x.order},
    {"created_at", x.created_at},
    {"updated_at", x.updated_at},
    {"version", x.version},
  };
}

todo todo_from_json(const nlohmann::json& obj) {
  todo result;
  result.id = obj.at("id").get<std::string>();
  result.title = obj.at("title").get<std::string>();
  result.notes = nullable_string(obj, "notes");
  result.completed = obj.at("completed").get<bool>();
  result.completed_at = nullable_string(obj, "completed_at");
  if (auto i = obj.find("priority"); i != obj.end()) {
    auto str = i->get<std::string>();
    if (auto prio = parse_priority(str))
      result.prio = *prio;
    else
      throw nlohmann::json::other_error::create(501, "unknown priority: " + str,
                                                &obj);
  }
  if (auto i = obj.find("tags"); i != obj.end())
    result.tags = i->get<std::vector<std::string>>();
  result.due = nullable_string(obj, "due");
  if (auto i = obj.find("order"); i != obj.end())
    result.order = i->get<double>();
  result.created_at = obj.at("created_at").get<std::string>();
  result.updated_at = obj.at("updated_at").get<std::string>();
  result.version = obj.at("version").get<int64_t>();
  return result;
}

} // namespace actodo::domain
