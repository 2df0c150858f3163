#include "actors/recurrence.hpp"

#include "actors/domain/schedule.hpp"
#include "config/error.hpp"

namespace actodo::actors {

namespace {

caf::error over_budget(size_t budget, std::string field) {
  return make_field_error(ec::too_expensive, std::move(field),
                          "the rule does not yield the occurrences asked for "
                          "within the expansion budget of "
                            + std::to_string(budget) + " steps");
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

caf::expected<occurrence_list> occurrences_of(const domain::todo& t,
                                              int32_t limit, size_t budget) {
  if (!t.recur)
    return make_field_error(ec::not_found, "id", "the todo does not recur");
  if (limit < 1 || limit > static_cast<int32_t>(domain::max_occurrences))
    return make_field_error(ec::invalid_field, "limit", "must be 1-100");
  bool exhausted = false;
  occurrence_list out;
  out.dues = domain::upcoming(t, static_cast<size_t>(limit), budget,
                              &exhausted);
  if (exhausted)
    return over_budget(budget, "recurrence/rrule");
  return out;
}

caf::expected<occurrence_list> preview_of(const domain::preview_request& req,
                                          size_t budget) {
  // The first occurrence is the due date itself.
  bool exhausted = false;
  occurrence_list out;
  out.dues = domain::upcoming(req.sample, req.limit - 1, budget, &exhausted);
  if (exhausted)
    return over_budget(budget, req.field);
  out.dues.insert(out.dues.begin(), req.sample.due.str());
  return out;
}

} // namespace actodo::actors
