// Import items' state that the export writes and a new todo starts from:
// a series' position and the reminders' firing (JSON and CSV).
#include <algorithm>
#include <iterator>
#include <string>

#include "actors/domain/time.hpp"
#include "io/codec/import_parts.hpp"

namespace actodo::io::codec::import_detail {

namespace {

using nlohmann::json;

/// Highest series position an import takes.
constexpr int64_t max_series_index = 1000000000;

} // namespace

/// Moves a series' state (the export's `index`, `ended`, `end_reason`) from
/// an item's recurrence into `out`: the new series goes on from there.
std::optional<field_error> take_series_state(json& rec, import_item& out) {
  if (auto i = rec.find("index"); i != rec.end()) {
    if (!i->is_number_integer() || i->get<int64_t>() < 1
        || i->get<int64_t>() > max_series_index)
      return fail("recurrence/index", "must be an integer from 1 to "
                                        + std::to_string(max_series_index));
    out.series_index = i->get<int64_t>();
    rec.erase(i);
  }
  if (auto i = rec.find("ended"); i != rec.end()) {
    if (!i->is_boolean())
      return fail("recurrence/ended", "must be true or false");
    out.series_ended = i->get<bool>();
    rec.erase(i);
  }
  if (auto i = rec.find("end_reason"); i != rec.end()) {
    if (i->is_string()) {
      out.series_end_reason = i->get<std::string>();
      static constexpr std::string_view reasons[] = {"count", "until", "budget",
                                                     "max_todos"};
      if (std::find(std::begin(reasons), std::end(reasons),
                    out.series_end_reason)
          == std::end(reasons))
        return fail("recurrence/end_reason",
                    "must be count, until, budget, max_todos or null");
    } else if (!i->is_null()) {
      return fail("recurrence/end_reason",
                  "must be count, until, budget, max_todos or null");
    }
    rec.erase(i);
  }
  if (out.series_ended != !out.series_end_reason.empty())
    return fail("recurrence/end_reason",
                out.series_ended ? "an ended series names why it ended"
                                 : "must be null while the series goes on");
  return std::nullopt;
}

/// Moves each reminder's `state` and `fired_at` (as the export wrote them)
/// from an item into `out`: what fired in the exporting account does not
/// fire again.
std::optional<field_error> take_reminder_states(json& reminders,
                                                import_item& out) {
  using actors::domain::reminder_state;
  for (size_t i = 0; i < reminders.size(); ++i) {
    auto& r = reminders[i];
    if (!r.is_object())
      continue; // `decode_todo_body` names it.
    auto field = "reminders/" + std::to_string(i);
    import_item::reminder_status status;
    if (auto s = r.find("state"); s != r.end()) {
      auto known = false;
      for (auto x : {reminder_state::pending, reminder_state::fired,
                     reminder_state::dismissed, reminder_state::skipped})
        if (s->is_string()
            && s->get_ref<const std::string&>() == to_string(x)) {
          status.state = x;
          known = true;
        }
      if (!known)
        return fail(field + "/state",
                    "must be pending, fired, dismissed or skipped");
      r.erase(s);
    }
    if (auto at = r.find("fired_at"); at != r.end()) {
      if (at->is_string()) {
        auto ms = actors::domain::parse_rfc3339(
          at->get_ref<const std::string&>(), false);
        if (!ms)
          return fail(field + "/fired_at", "must be an RFC 3339 date-time");
        status.fired_at = actors::domain::format_rfc3339_ms(*ms);
      } else if (!at->is_null()) {
        return fail(field + "/fired_at", "must be an RFC 3339 date-time");
      }
      r.erase(at);
    }
    out.reminders.push_back(std::move(status));
  }
  return std::nullopt;
}

} // namespace actodo::io::codec::import_detail
