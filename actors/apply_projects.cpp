// Project commands: create, update, delete (moving or deleting its todos).
#include <algorithm>

#include "actors/apply_steps.hpp"
#include "actors/domain/text.hpp"
#include "actors/record_codec.hpp"

namespace actodo::actors::steps {

namespace {

/// Whether another project than `id` is called `name` (ASCII case ignored).
bool name_taken(const user_todos& todos, std::string_view name,
                std::string_view id) {
  return std::any_of(
    todos.projects.begin(), todos.projects.end(), [&](auto& kvp) {
      return kvp.first != id && domain::iequals(kvp.second.name, name);
    });
}

command_outcome create_project(context& ctx) {
  auto& todos = ctx.todos;
  if (todos.projects.size() >= todos.max_projects)
    return rejected(ctx, outcome_code::too_many,
                    "a user has at most " + std::to_string(todos.max_projects)
                      + " projects",
                    "projects");
  auto& patch = ctx.cmd.project;
  if (patch.name && name_taken(todos, *patch.name, {}))
    return invalid(ctx, "a project with this name exists", "name");
  domain::project p;
  p.id = new_id("p_");
  p.version = 0;
  domain::apply_project_patch(patch, ctx.now, p);
  auto r = done(ctx, outcome_code::created, p);
  put_project(ctx, "project.created", std::move(p));
  return r;
}

domain::project* project_of(context& ctx, command_outcome& why) {
  auto i = ctx.todos.projects.find(ctx.cmd.todo_id);
  if (i == ctx.todos.projects.end()) {
    why = rejected(ctx, outcome_code::not_found,
                   "no project with id " + ctx.cmd.todo_id, "id");
    return nullptr;
  }
  if (ctx.cmd.if_match >= 0 && ctx.cmd.if_match != i->second.version) {
    why = rejected(ctx, outcome_code::version_mismatch,
                   "project is at version " + std::to_string(i->second.version),
                   "If-Match");
    return nullptr;
  }
  return &i->second;
}

command_outcome update_project(context& ctx) {
  command_outcome why;
  auto* target = project_of(ctx, why);
  if (target == nullptr)
    return why;
  auto& patch = ctx.cmd.project;
  if (patch.name && name_taken(ctx.todos, *patch.name, target->id))
    return invalid(ctx, "a project with this name exists", "name");
  if (target->id == domain::inbox_id && patch.archived && *patch.archived)
    return invalid(ctx, "the Inbox cannot be archived", "archived");
  auto p = *target;
  if (!domain::apply_project_patch(patch, ctx.now, p))
    return done(ctx, outcome_code::updated, p);
  auto r = done(ctx, outcome_code::updated, p);
  put_project(ctx, "project.updated", std::move(p));
  return r;
}

command_outcome delete_project(context& ctx) {
  command_outcome why;
  auto* target = project_of(ctx, why);
  if (target == nullptr)
    return why;
  auto id = target->id.str();
  if (id == domain::inbox_id)
    return invalid(ctx, "the Inbox cannot be deleted", "id");
  auto& move_to = ctx.cmd.move_to;
  if (!move_to.empty()
      && (move_to == id || ctx.todos.projects.count(move_to) == 0))
    return invalid(ctx, "no other project with id " + move_to, "move_to");
  // Sorted: the events come in the same order on every replay.
  std::vector<std::string> ids;
  for (auto& [todo_id, t] : ctx.todos.by_id)
    if (t.project_id == id)
      ids.emplace_back(todo_id);
  std::sort(ids.begin(), ids.end());
  for (auto& todo_id : ids) {
    if (move_to.empty()) {
      add_event(ctx, "todo.deleted", todo_id, records::deleted_data(todo_id));
      ctx.out.batch.todos.push_back({todo_id, std::string{}});
      ctx.todos.erase(todo_id);
      continue;
    }
    auto t = ctx.todos.by_id.at(todo_id);
    t.project_id = move_to;
    t.version += 1;
    t.updated_ms = ctx.now_ms;
    auto text = records::encode_todo(t);
    add_event(ctx, "todo.updated", todo_id, text);
    ctx.out.batch.todos.push_back({todo_id, std::move(text)});
    ctx.todos.put(std::move(t));
  }
  add_event(ctx, "project.deleted", id, records::deleted_data(id));
  ctx.out.batch.todos.push_back({id, std::string{}});
  ctx.todos.projects.erase(id);
  return done(ctx, outcome_code::deleted);
}

} // namespace

command_outcome done(context& ctx, outcome_code code,
                     const domain::project& p) {
  command_outcome x;
  x.request_id = ctx.cmd.request_id;
  x.code = code;
  x.todo_id = p.id;
  x.version = p.version;
  x.project = p;
  ctx.todo_json = records::encode_project(p);
  return x;
}

void put_project(context& ctx, std::string_view type, domain::project p) {
  auto text = records::encode_project(p);
  add_event(ctx, type, p.id, text);
  ctx.out.batch.todos.push_back({p.id.str(), std::move(text)});
  auto id = p.id.str();
  ctx.todos.projects.insert_or_assign(std::move(id), std::move(p));
}

command_outcome apply_settings(context& ctx) {
  auto zone = ctx.cmd.patch.time_zone.value_or(std::string{});
  if (ctx.todos.time_zone == zone)
    return done(ctx, outcome_code::updated);
  ctx.todos.time_zone = zone;
  auto text = records::encode_settings({zone, ctx.todos.read_up_to});
  add_event(ctx, "user.updated", std::string{records::settings_id}, text);
  ctx.out.batch.todos.push_back({std::string{records::settings_id}, text});
  return done(ctx, outcome_code::updated);
}

command_outcome apply_project(context& ctx) {
  switch (ctx.cmd.op) {
    case command_op::project_create: return create_project(ctx);
    case command_op::project_update: return update_project(ctx);
    default: return delete_project(ctx);
  }
}

} // namespace actodo::actors::steps
