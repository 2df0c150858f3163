// Where a todo goes (its project and its parent) and what a change of a
// parent does to its subtasks.
#include "actors/apply_steps.hpp"
#include "actors/domain/schedule.hpp"
#include "actors/domain/text.hpp"
#include "actors/record_codec.hpp"
#include "actors/recurrence.hpp"

namespace actodo::actors::steps {

namespace {

/// Whether `id` is `ancestor` or below it.
bool within(const user_todos& todos, std::string_view ancestor,
            std::string_view id) {
  size_t steps = 0;
  for (auto i = todos.by_id.find(id);
       i != todos.by_id.end() && steps <= todos.by_id.size();
       i = todos.by_id.find(i->second.parent_id), ++steps)
    if (i->first == ancestor)
      return true;
  return false;
}

/// The project named `name` (ASCII case ignored), created in this command
/// when the user has none; empty with `why` set at the cap.
std::string project_named(context& ctx, const std::string& name,
                          std::optional<command_outcome>& why) {
  for (auto& [id, p] : ctx.todos.projects)
    if (domain::iequals(p.name, name))
      return id;
  if (ctx.todos.projects.size() >= ctx.todos.max_projects) {
    why = invalid(ctx,
                  "a user has at most " + std::to_string(ctx.todos.max_projects)
                    + " projects",
                  "project");
    return {};
  }
  domain::project p;
  p.id = new_id("p_");
  p.version = 0;
  domain::project_patch patch;
  patch.name = name;
  domain::apply_project_patch(patch, ctx.now, p);
  auto id = p.id.str();
  put_project(ctx, "project.created", std::move(p));
  return id;
}

/// Applies `fn` to every subtask of `root` (below it, parents first) and
/// records each one it changes.
template<class F>
void for_subtasks(context& ctx, std::string_view root, F fn) {
  for (auto& id : ctx.todos.descendants(root)) {
    auto i = ctx.todos.by_id.find(id);
    if (i == ctx.todos.by_id.end())
      continue;
    auto before = i->second;
    auto t = before;
    auto kind = fn(t);
    if (!kind)
      continue;
    t.version = before.version + 1;
    t.updated_ms = ctx.now_ms;
    std::optional<domain::todo> successor;
    if (*kind == domain::change_kind::completed
        && domain::needs_successor(t, ctx.now_ms)) {
      auto plan = plan_successor(t, ctx.now_ms, ctx.todos.recurrence_budget);
      context sub{ctx.todos, ctx.cmd, ctx.now, ctx.now_ms, ctx.max_todos,
                  plan,      ctx.out, {},      0};
      successor = link_successor(sub, t,
                                 ctx.todos.by_id.size() < ctx.max_todos);
    }
    auto text = records::encode_todo(t);
    add_event(ctx, domain::event_type(*kind), t.id, text);
    ctx.out.batch.todos.push_back({t.id.str(), std::move(text)});
    notify_if_ended(ctx, &before, t);
    ctx.todos.put(std::move(t));
    if (successor)
      insert_successor(ctx, std::move(*successor));
  }
}

} // namespace

std::optional<command_outcome> place(context& ctx, const domain::todo* before,
                                     domain::todo& next) {
  auto& patch = ctx.cmd.patch;
  auto& todos = ctx.todos;
  if (patch.project_name && next.parent_id.empty()) {
    std::optional<command_outcome> why;
    next.project_id = project_named(ctx, *patch.project_name, why);
    if (why)
      return why;
  }
  if (next.parent_id.empty()) {
    if (todos.projects.count(next.project_id.str()) == 0)
      return invalid(ctx, "no project with id " + next.project_id,
                     "project_id");
    return std::nullopt;
  }
  auto parent = todos.by_id.find(next.parent_id);
  if (parent == todos.by_id.end())
    return invalid(ctx, "no todo with id " + next.parent_id, "parent_id");
  if (before == nullptr || before->parent_id != next.parent_id) {
    if (within(todos, next.id, next.parent_id))
      return invalid(ctx,
                     "a todo cannot be a subtask of itself or of its "
                     "subtasks",
                     "parent_id");
    auto levels = todos.depth(next.parent_id)
                  + (before == nullptr ? 1 : todos.height(next.id));
    if (levels > domain::max_todo_depth)
      return invalid(ctx,
                     "subtasks nest at most "
                       + std::to_string(domain::max_todo_depth)
                       + " levels deep, counting the root",
                     "parent_id");
  }
  if (patch.project_id && *patch.project_id != parent->second.project_id)
    return invalid(ctx,
                   "a subtask is in its parent's project ("
                     + parent->second.project_id + ")",
                   "project_id");
  if (next.archived != parent->second.archived && parent->second.archived
      && before != nullptr && before->archived)
    return invalid(ctx, "the parent is archived: unarchive it first",
                   "archived");
  next.project_id = parent->second.project_id;
  // A new subtask of an archived todo is archived with it (it would
  // otherwise stand alone in the default list).
  if (before == nullptr && parent->second.archived)
    next.archived = true;
  return std::nullopt;
}

void cascade(context& ctx, const domain::todo& before, const domain::todo& t) {
  using domain::change_kind;
  if (t.completed && !before.completed)
    for_subtasks(ctx, t.id, [&](domain::todo& x) -> std::optional<change_kind> {
      if (x.completed)
        return std::nullopt;
      x.completed = true;
      x.completed_ms = ctx.now_ms;
      return change_kind::completed;
    });
  if (t.archived != before.archived)
    for_subtasks(ctx, t.id, [&](domain::todo& x) -> std::optional<change_kind> {
      if (x.archived == t.archived)
        return std::nullopt;
      x.archived = t.archived;
      return t.archived ? change_kind::archived : change_kind::unarchived;
    });
  if (t.project_id != before.project_id)
    for_subtasks(ctx, t.id, [&](domain::todo& x) -> std::optional<change_kind> {
      if (x.project_id == t.project_id)
        return std::nullopt;
      x.project_id = t.project_id;
      return change_kind::updated;
    });
}

} // namespace actodo::actors::steps
