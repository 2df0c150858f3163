#include "actors/recurrence_generator.hpp"

#include <nlohmann/json.hpp>

#include "actors/actor_stats.hpp"
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

std::string recurrence_generator_state::next(const std::string& todo_json,
                                             int64_t now_ms) {
  auto t = domain::todo_from_json(json::parse(todo_json));
  auto next = domain::next_occurrence(t, now_ms);
  if (!next) {
    ++ended;
    return {};
  }
  ++generated;
  stats->occurrences_generated.add();
  return domain::to_json(*next).dump();
}

reply recurrence_generator_state::occurrences(const std::string& todo_json,
                                              int32_t limit) {
  auto t = domain::todo_from_json(json::parse(todo_json));
  if (!t.recur)
    return problem_reply(404, "the todo does not recur", "id");
  if (limit < 1 || limit > max_occurrences)
    return problem_reply(400, "must be 1-100", "limit");
  return listing(domain::upcoming(t, static_cast<size_t>(limit)));
}

reply recurrence_generator_state::preview(
  const std::vector<std::string>& params) {
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
  auto dues = domain::upcoming(t, *n - 1);
  dues.insert(dues.begin(), t.due);
  return listing(dues);
}

recurrence_generator_actor::behavior_type recurrence_generator(
  recurrence_generator_actor::stateful_pointer<recurrence_generator_state> self,
  std::shared_ptr<config::metrics> stats) {
  self->state.self = self;
  self->state.stats = stats ? std::move(stats)
                            : std::make_shared<config::metrics>();
  return {
    [self](atom::next, const std::string& todo, int64_t now) {
      count_message(*self->state.stats,
                    config::actor_kind::recurrence_generator, self);
      return self->state.next(todo, now);
    },
    [self](atom::occurs, const std::string& todo, int32_t limit) {
      count_message(*self->state.stats,
                    config::actor_kind::recurrence_generator, self);
      return self->state.occurrences(todo, limit);
    },
    [self](atom::preview, const std::vector<std::string>& params) {
      count_message(*self->state.stats,
                    config::actor_kind::recurrence_generator, self);
      return self->state.preview(params);
    },
  };
}

} // namespace actodo::actors
