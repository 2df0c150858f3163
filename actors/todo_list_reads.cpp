// The reads of a `todo_list`: queries, single todos, request outcomes,
// occurrences (bounded RRULE expansions) and the inspector's summary.
#include <algorithm>
#include <tuple>

#include "actors/domain/query.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/time.hpp"
#include "actors/recurrence.hpp"
#include "actors/todo_list.hpp"
#include "config/error.hpp"

namespace actodo::actors {

void todo_list_state::expand(std::function<void()> job, bool await,
                             std::function<void(bool)> done) {
  if (settings->inline_expansions) {
    job();
    return done(true);
  }
  std::shared_ptr<expansion_job> state;
  auto worker = expander.start(self, std::move(job), state);
  if (!worker)
    return done(false);
  auto handle = self->request(worker, settings->recurrence_time_limit,
                              atom::expand_v);
  auto on_done = [done](atom::expand) { done(true); };
  auto on_timeout = [done, state](caf::error&) {
    expansion_runner::abandon(*state);
    done(false);
  };
  if (await)
    handle.await(on_done, on_timeout);
  else
    handle.then(on_done, on_timeout);
}

caf::result<occurrence_list>
todo_list_state::bounded(std::function<caf::expected<occurrence_list>()> fn,
                         std::string field) {
  if (!expander.may_start(true))
    return make_field_error(ec::busy, field,
                            "an earlier expansion of this user is still "
                            "running");
  auto rp = self->make_response_promise<occurrence_list>();
  using result = caf::expected<occurrence_list>;
  auto out = std::make_shared<std::optional<result>>();
  auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(
                 settings->recurrence_time_limit)
                 .count();
  expand([fn = std::move(fn), out] { out->emplace(fn()); }, false,
         [rp, out, limit, field](bool finished) mutable {
           if (!finished || !*out)
             rp.deliver(
               make_field_error(ec::too_expensive, field,
                                "the rule takes longer than the time budget of "
                                  + std::to_string(limit) + " ms to expand"));
           else if (auto& x = **out)
             rp.deliver(std::move(*x));
           else
             rp.deliver(std::move(x.error()));
         });
  return rp;
}

caf::result<occurrence_list> todo_list_state::occurrences(const std::string& id,
                                                          int32_t limit) {
  auto i = todos.by_id.find(id);
  if (i == todos.by_id.end())
    return make_field_error(ec::not_found, "id", "no todo with id " + id);
  auto budget = settings->recurrence_budget;
  return bounded([t = i->second, limit,
                  budget] { return occurrences_of(t, limit, budget); },
                 "recurrence/rrule");
}

caf::result<occurrence_list>
todo_list_state::preview(const domain::preview_request& req) {
  touch();
  auto budget = settings->recurrence_budget;
  return bounded([req, budget] { return preview_of(req, budget); }, req.field);
}

std::variant<domain::page, domain::field_error>
todo_list_state::run_query(const domain::query& q) const {
  if (indexes && todos.by_id.size() < indexed_threshold / 2)
    indexes.reset();
  if (!indexes && todos.by_id.size() >= indexed_threshold) {
    indexes = std::make_unique<domain::sort_indexes>();
    for (auto& kvp : todos.by_id)
      indexes->put(kvp.second);
  }
  if (indexes)
    return indexes->run(q);
  // Small lists compute their sort values per query (cheap).
  std::vector<const domain::todo*> all;
  all.reserve(todos.by_id.size());
  for (auto& kvp : todos.by_id)
    all.push_back(&kvp.second);
  return domain::run_query(q, all);
}

caf::result<todo_page> todo_list_state::list(const domain::query& q) const {
  auto result = run_query(q);
  if (auto err = std::get_if<domain::field_error>(&result))
    return make_field_error(ec::invalid_field, err->field, err->detail);
  auto& pg = std::get<domain::page>(result);
  todo_page out;
  out.items.reserve(pg.items.size());
  for (auto t : pg.items)
    out.items.push_back(*t);
  out.next = std::move(pg.next);
  return out;
}

caf::result<domain::todo> todo_list_state::get(const std::string& id) const {
  auto i = todos.by_id.find(id);
  if (i == todos.by_id.end())
    return make_field_error(ec::not_found, "id", "no todo with id " + id);
  return i->second;
}

user_profile todo_list_state::profile() const {
  user_profile out;
  out.time_zone = todos.time_zone.str();
  auto& result = out.projects;
  result.reserve(todos.projects.size());
  for (auto& kvp : todos.projects)
    result.push_back(kvp.second);
  auto rank = [](const domain::project& x) {
    return std::make_tuple(x.id != domain::inbox_id, x.order, x.name, x.id);
  };
  std::sort(result.begin(), result.end(),
            [&](auto& x, auto& y) { return rank(x) < rank(y); });
  return out;
}

notification_page todo_list_state::notices(bool unread, int32_t limit) const {
  notification_page out;
  out.read_up_to = todos.read_up_to;
  out.unread = todos.unread();
  for (auto i = todos.notifications.rbegin();
       i != todos.notifications.rend()
       && out.items.size() < static_cast<size_t>(std::max(limit, 0));
       ++i) {
    if (unread && i->id <= todos.read_up_to)
      break;
    out.items.push_back(*i);
  }
  return out;
}

caf::result<persistence::request_record>
todo_list_state::status(const std::string& request_id) {
  if (pending.count(request_id) > 0) {
    persistence::request_record rec;
    rec.request_id = request_id;
    rec.state = "pending";
    return rec;
  }
  auto rp = self->make_response_promise<persistence::request_record>();
  ++lookups;
  self
    ->request(journal, settings->request_timeout, atom::find::value,
              todos.user_id.str(), request_id)
    .then(
      [this, rp,
       request_id](std::vector<persistence::request_record>& found) mutable {
        --lookups;
        if (found.empty())
          rp.deliver(make_field_error(ec::not_found, "id",
                                      "no request with id " + request_id));
        else
          rp.deliver(std::move(found.front()));
      },
      [this, rp](caf::error& err) mutable {
        --lookups;
        rp.deliver(std::move(err));
      });
  return rp;
}

list_summary todo_list_state::summary() const {
  list_summary out;
  out.user = todos.user_id.str();
  out.resident = true;
  out.todos = todos.by_id.size();
  for (auto& kvp : todos.by_id) {
    auto& t = kvp.second;
    out.open += t.completed ? 0 : 1;
    for (size_t n = 0; n < t.reminders.size() && !t.completed; ++n)
      if (auto at = domain::reminder_instant(t, t.reminders[n]))
        out.pending_reminders.push_back({t.id.str(), n, *at});
  }
  std::sort(out.pending_reminders.begin(), out.pending_reminders.end(),
            [](auto& x, auto& y) { return x.at_ms < y.at_ms; });
  out.last_sequence = todos.last_seq;
  out.committed_sequence = committed_seq;
  out.sessions = sessions.size();
  out.pending_commands = pending.size();
  out.handled_messages = routed;
  return out;
}

} // namespace actodo::actors
