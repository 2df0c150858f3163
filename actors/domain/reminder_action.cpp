#include "actors/domain/reminder_action.hpp"

#include <string>

#include "actors/calendar/calendar.hpp"
#include "actors/domain/time.hpp"

namespace actodo::actors::domain {

std::optional<field_error> parse_reminder_action(const nlohmann::json& body,
                                                 bool snooze, int64_t now_ms,
                                                 reminder_action& out) {
  if (!body.is_object())
    return field_error{"", "the body must be a JSON object"};
  for (auto& [key, value] : body.items())
    if (key != "reminder" && (!snooze || (key != "for" && key != "until")))
      return field_error{key, "unknown field"};
  auto n = body.find("reminder");
  if (n == body.end() || !n->is_number_integer() || n->get<int64_t>() < 0
      || n->get<uint64_t>() >= max_reminders)
    return field_error{"reminder", "must be the index of a reminder (0-"
                                     + std::to_string(max_reminders - 1) + ")"};
  reminder_action res;
  res.index = n->get<size_t>();
  if (snooze) {
    auto dur = body.find("for");
    auto until = body.find("until");
    if ((dur == body.end()) == (until == body.end()))
      return field_error{"for", "needs exactly one of `for` and `until`"};
    if (dur != body.end()) {
      auto ms = dur->is_string()
                  ? calendar::parse_duration(dur->get_ref<const std::string&>())
                  : std::nullopt;
      if (!ms || *ms <= 0)
        return field_error{
          "for", "must be a positive ISO 8601 duration such as PT10M"};
      res.until_ms = now_ms + *ms;
    } else {
      auto at = until->is_string()
                  ? parse_rfc3339(until->get_ref<const std::string&>(), false)
                  : std::nullopt;
      if (!at || *at <= now_ms)
        return field_error{"until",
                           "must be a future RFC 3339 date-time with offset"};
      res.until_ms = *at;
    }
  }
  out = res;
  return std::nullopt;
}

} // namespace actodo::actors::domain
