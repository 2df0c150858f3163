#include <algorithm>

#include "actors/apply.hpp"

namespace actodo::actors {

namespace {

/// Points the key of `node` at the id of its own todo and puts it back.
void insert_keyed(todo_map& xs, todo_map::node_type node) {
  node.key() = node.mapped().id;
  xs.insert(std::move(node));
}

} // namespace

void user_todos::put(domain::todo t) {
  auto i = by_id.find(t.id);
  if (i != by_id.end() && i->second.parent_id == t.parent_id) {
    auto node = by_id.extract(i);
    node.mapped() = std::move(t);
    insert_keyed(by_id, std::move(node));
    return;
  }
  if (i != by_id.end())
    erase(t.id);
  if (!t.parent_id.empty())
    children[t.parent_id.str()].push_back(t.id.str());
  // The node is made in a map of its own: its key can point at the todo's
  // id only once the todo is in the node, and a stand-in key in `by_id`
  // could meet a stored todo with that id (a bad row with an empty id).
  todo_map staging;
  auto added = staging.try_emplace(std::string_view{}, std::move(t)).first;
  insert_keyed(by_id, staging.extract(added));
}

void user_todos::erase(std::string_view id) {
  auto i = by_id.find(id);
  if (i == by_id.end())
    return;
  if (auto& parent = i->second.parent_id; !parent.empty()) {
    auto j = children.find(parent.str());
    if (j != children.end()) {
      auto& xs = j->second;
      xs.erase(std::remove(xs.begin(), xs.end(), id), xs.end());
      if (xs.empty())
        children.erase(j);
    }
  }
  by_id.erase(i);
}

std::vector<std::string> user_todos::descendants(std::string_view id) const {
  std::vector<std::string> result;
  auto add = [&](std::string_view parent) {
    if (auto i = children.find(std::string{parent}); i != children.end())
      result.insert(result.end(), i->second.begin(), i->second.end());
  };
  add(id);
  // Bounded by the number of todos even if stored data had a cycle.
  for (size_t i = 0; i < result.size() && result.size() <= by_id.size(); ++i)
    add(result[i]);
  return result;
}

size_t user_todos::depth(std::string_view id) const {
  size_t result = 0;
  for (auto i = by_id.find(id); i != by_id.end() && result <= by_id.size();
       i = by_id.find(i->second.parent_id))
    ++result;
  return result;
}

size_t user_todos::height(std::string_view id) const {
  size_t result = 1;
  auto i = children.find(std::string{id});
  if (i == children.end())
    return result;
  for (auto& child : i->second)
    result = std::max(result, 1 + height(child));
  return result;
}

int64_t user_todos::unread() const {
  int64_t n = 0;
  for (auto i = notifications.rbegin();
       i != notifications.rend() && i->id > read_up_to; ++i)
    ++n;
  return n;
}

} // namespace actodo::actors
