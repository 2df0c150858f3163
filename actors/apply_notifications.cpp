// Notifications: what a command leaves for the person (a fired reminder,
// an ended series, a finished import, a disabled webhook), and marking
// them read.
#include <nlohmann/json.hpp>

#include "actors/apply_steps.hpp"
#include "actors/record_codec.hpp"

namespace actodo::actors::steps {

void notify(context& ctx, std::string kind, std::string subject,
            std::string title, std::string data) {
  auto& todos = ctx.todos;
  domain::notification x{todos.last_seq,     std::move(kind),  ctx.now,
                         std::move(subject), std::move(title), std::move(data)};
  ctx.out.batch.todos.push_back(
    {records::notification_row(x.id), records::encode_notification(x)});
  todos.notifications.push_back(std::move(x));
  auto& kept = todos.notifications;
  if (kept.size() > todos.max_notifications) {
    auto gone = kept.size() - todos.max_notifications;
    for (size_t i = 0; i < gone; ++i)
      ctx.out.batch.todos.push_back(
        {records::notification_row(kept[i].id), {}});
    kept.erase(kept.begin(), kept.begin() + static_cast<ptrdiff_t>(gone));
  }
  ctx.out.unread_changed = true;
  ctx.out.noticed = true;
}

void notify_reminder(context& ctx, const domain::todo& t, size_t index,
                     const std::string& scheduled) {
  nlohmann::json data{{"todo_id", t.id},
                      {"reminder", index},
                      {"scheduled", scheduled},
                      {"due", t.due.empty() ? nlohmann::json{}
                                            : nlohmann::json(t.due)}};
  notify(ctx, "reminder", t.id.str(), t.title.str(), data.dump());
}

void notify_if_ended(context& ctx, const domain::todo* before,
                     const domain::todo& t) {
  if (!t.recur || !t.recur->ended
      || (before != nullptr && before->recur && before->recur->ended))
    return;
  nlohmann::json data{{"todo_id", t.id},
                      {"series_id", t.recur->series_id},
                      {"end_reason", t.recur->end_reason}};
  notify(ctx, "series.ended", t.id.str(), t.title.str(), data.dump());
}

command_outcome apply_read(context& ctx) {
  auto& todos = ctx.todos;
  // Never past the newest notification (an empty feed has nothing to
  // read): a later one must count as unread.
  auto newest = todos.notifications.empty() ? todos.read_up_to
                                            : todos.notifications.back().id;
  auto up_to = std::min(ctx.cmd.action.until_ms, newest);
  if (up_to <= todos.read_up_to)
    return done(ctx, outcome_code::updated);
  todos.read_up_to = up_to;
  add_event(ctx, "notifications.read", std::string{records::settings_id},
            R"({"up_to":)" + std::to_string(up_to) + "}");
  ctx.out.batch.todos.push_back(
    {std::string{records::settings_id},
     records::encode_settings({todos.time_zone.str(), todos.read_up_to})});
  ctx.out.unread_changed = true;
  return done(ctx, outcome_code::updated);
}

command_outcome apply_job_finished(context& ctx) {
  auto data = nlohmann::json::parse(ctx.cmd.canonical_body, nullptr, false);
  auto state = data.is_object() ? data.value("state", "done") : "done";
  add_event(ctx, "job.finished", ctx.cmd.todo_id, ctx.cmd.canonical_body);
  notify(ctx, "job." + state, ctx.cmd.todo_id,
         state == "failed" ? "Import failed" : "Import finished",
         ctx.cmd.canonical_body);
  return done(ctx, outcome_code::updated);
}

} // namespace actodo::actors::steps
