#include "actors/recurrence.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"
#include "actors/problem.hpp"

namespace actodo::actors {

namespace {

using nlohmann::json;

reply listing(const std::vector<std::string>& dues) {
  auto items = json::array();
  for (auto& due : dues)
    items.push_back({{"due", due}});
  reply r;
  r.body = json{{"items", std::move(items)}}.dump();
  return r;
}

reply over_budget(size_t budget, std::string_view field) {
  return problem_reply(422,
                       "the rule does not yield the occurrences asked for "
                       "within the expansion budget of "
                         + std::to_string(budget) + " steps",
                       field);
}

/// `limit` of a listing: 1-100, default 10.
std::optional<size_t> parse_limit(const std::string& str) {
  if (str.empty())
    return 10;
  if (str.size() > 3
      || str.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto n = std::stoi(str);
  if (n < 1 || n > max_occurrences)
    return std::nullopt;
  return static_cast<size_t>(n);
}

} // namespace

successor_plan plan_successor(const domain::todo& before, int64_t now_ms,
                              size_t budget) {
  successor_plan plan;
  plan.computed = true;
  plan.next = domain::next_occurrence(before, now_ms, budget, &plan.end_reason);
  if (plan.next)
    plan.end_reason.clear();
  return plan;
}

reply occurrences_reply(const domain::todo& t, int32_t limit, size_t budget) {
  if (!t.recur)
    return problem_reply(404, "the todo does not recur", "id");
  if (limit < 1 || limit > max_occurrences)
    return problem_reply(400, "must be 1-100", "limit");
  bool exhausted = false;
  auto dues = domain::upcoming(t, static_cast<size_t>(limit), budget,
                               &exhausted);
  if (exhausted)
    return over_budget(budget, "recurrence/rrule");
  return listing(dues);
}

reply preview_reply(const std::vector<std::string>& params, size_t budget) {
  // The same validation as a todo with these fields.
  json body{{"title", "preview"}};
  json rec = json::object();
  std::string limit;
  for (size_t i = 0; i + 1 < params.size(); i += 2) {
    auto& key = params[i];
    auto& value = params[i + 1];
    if (key == "rrule" || key == "preset" || key == "mode")
      rec[key] = value;
    else if (key == "exdate")
      rec["exdates"].push_back(value);
    else if (key == "due" || key == "time_zone")
      body[key] = value;
    else if (key == "limit")
      limit = value;
    else
      return problem_reply(400, "unknown parameter", key);
  }
  auto n = parse_limit(limit);
  if (!n)
    return problem_reply(400, "must be 1-100", "limit");
  if (!body.contains("due"))
    return problem_reply(400, "is required", "due");
  auto field = rec.contains("preset") ? "preset" : "rrule";
  body["recurrence"] = std::move(rec);
  domain::todo_patch patch;
  if (auto err = domain::parse_patch(body, domain::patch_mode::create, patch))
    return problem_reply(400, err->detail,
                         err->field.compare(0, 11, "recurrence/") == 0
                           ? err->field.substr(11)
                           : err->field);
  domain::todo t;
  t.id = "preview";
  domain::apply_patch(patch, domain::patch_mode::create,
                      domain::format_rfc3339_ms(domain::now_ms()), t);
  if (auto err = domain::check_schedule(t))
    return problem_reply(400, err->detail, err->field);
  // The first occurrence is the due date itself.
  bool exhausted = false;
  auto dues = domain::upcoming(t, *n - 1, budget, &exhausted);
  if (exhausted)
    return over_budget(budget, field);
  dues.insert(dues.begin(), t.due);
  return listing(dues);
}

} // namespace actodo::actors
