#include "io/redis/cluster_registry.hpp"

#include <algorithm>
#include <limits>

#include "config/error.hpp"
#include "io/redis/registry_scripts.hpp"

namespace actodo::io::redis {

namespace {

/// Users per presence script: bounds how long one script blocks Redis.
constexpr size_t presence_batch = 500;

caf::error bad_field(std::string field, std::string detail) {
  return make_field_error(ec::invalid_field, std::move(field),
                          std::move(detail));
}

caf::error check_node(const std::string& id) {
  if (valid_node_id(id))
    return caf::none;
  return bad_field("node.id", "a node id has 1-128 characters from "
                              "[A-Za-z0-9._:@-] and starts with a letter or "
                              "a digit");
}

caf::error check_ttl(std::chrono::milliseconds ttl) {
  if (ttl.count() > 0)
    return caf::none;
  return bad_field("ttl", "must be positive");
}

caf::error check_user(const std::string& user) {
  if (!user.empty() && user.size() <= 256)
    return caf::none;
  return bad_field("user", "a user id has 1-256 bytes");
}

caf::error check_partition(int32_t partition) {
  if (partition >= 0)
    return caf::none;
  return bad_field("partition", "partitions are 0 or more");
}

/// The command of `script` with `keys` and `args`.
std::vector<std::string> eval(const char* script,
                              const std::vector<std::string>& keys,
                              const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVAL", script, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

caf::error unexpected(const std::string& what) {
  return caf::make_error(ec::invalid_record,
                         "unexpected Redis reply to " + what);
}

} // namespace

cluster_registry::cluster_registry(redis_connection& conn, std::string prefix)
  : conn_(conn), prefix_(std::move(prefix)) {
  // nop
}

caf::error cluster_registry::put_node(const node_record& node,
                                      std::chrono::milliseconds ttl) {
  if (auto err = validate(node))
    return err;
  if (auto err = check_ttl(ttl))
    return err;
  std::vector<std::string> args{node.id, std::to_string(ttl.count())};
  auto fields = encode_fields(node);
  args.insert(args.end(), fields.begin(), fields.end());
  auto reply = conn_.command(
    eval(scripts::put_node, {node_key(node.id), prefix_ + "nodes"}, args));
  return reply ? caf::none : std::move(reply.error());
}

caf::expected<std::vector<node_record>> cluster_registry::nodes() {
  auto ids = conn_.command(eval(scripts::live_nodes, {prefix_ + "nodes"}, {}));
  if (!ids)
    return std::move(ids.error());
  if (ids->kind != reply_kind::array)
    return unexpected("the node index");
  std::vector<std::vector<std::string>> reads;
  for (auto& id : ids->elements)
    reads.push_back({"HGETALL", node_key(id.text)});
  auto hashes = conn_.pipeline(reads);
  if (!hashes)
    return std::move(hashes.error());
  std::vector<node_record> result;
  for (size_t i = 0; i < hashes->size(); ++i) {
    // A hash that expired since the index was read is gone: skip it.
    if ((*hashes)[i].elements.empty())
      continue;
    auto node = decode_node(ids->elements[i].text, (*hashes)[i]);
    if (!node)
      return std::move(node.error());
    result.push_back(std::move(*node));
  }
  std::sort(result.begin(), result.end(),
            [](auto& x, auto& y) { return x.id < y.id; });
  return result;
}

caf::error cluster_registry::remove_node(const std::string& id) {
  if (auto err = check_node(id))
    return err;
  auto replies = conn_.pipeline({{"MULTI"},
                                 {"DEL", node_key(id)},
                                 {"ZREM", prefix_ + "nodes", id},
                                 {"EXEC"}});
  return replies ? caf::none : std::move(replies.error());
}

caf::expected<bool> cluster_registry::put_owner(int32_t partition,
                                                const partition_owner& owner) {
  if (auto err = check_partition(partition))
    return err;
  if (auto err = check_node(owner.node))
    return err;
  if (owner.epoch < 0)
    return bad_field("epoch", "epochs are 0 or more");
  auto message = encode_change({partition, owner.node, owner.epoch});
  auto reply = conn_.command(
    eval(scripts::put_owner, {prefix_ + "owners"},
         {std::to_string(partition), std::to_string(owner.epoch),
          encode_owner(owner), partitions_channel(), message}));
  if (!reply)
    return std::move(reply.error());
  if (reply->kind != reply_kind::integer)
    return unexpected("put_owner");
  return reply->integer == 1;
}

caf::expected<std::map<int32_t, partition_owner>> cluster_registry::owners() {
  auto reply = conn_.command({"HGETALL", prefix_ + "owners"});
  if (!reply)
    return std::move(reply.error());
  std::map<int32_t, partition_owner> result;
  auto& elements = reply->elements;
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    int64_t partition = 0;
    auto owner = decode_owner(elements[i + 1].text);
    if (!parse_integer(elements[i].text, partition) || partition < 0
        || partition > std::numeric_limits<int32_t>::max() || !owner)
      return caf::make_error(ec::invalid_record,
                             "malformed partition owner of '" + elements[i].text
                               + "'");
    result.emplace(static_cast<int32_t>(partition), std::move(*owner));
  }
  return result;
}

caf::error cluster_registry::clear_owner(int32_t partition, int64_t epoch) {
  if (auto err = check_partition(partition))
    return err;
  if (epoch < 0)
    return bad_field("epoch", "epochs are 0 or more");
  auto message = encode_change({partition, "", epoch});
  auto reply = conn_.command(
    eval(scripts::clear_owner, {prefix_ + "owners"},
         {std::to_string(partition), std::to_string(epoch),
          partitions_channel(), message}));
  if (!reply)
    return std::move(reply.error());
  if (reply->kind == reply_kind::integer)
    return caf::none;
  auto holder = decode_owner(reply->text);
  return caf::make_error(ec::conflict,
                         "partition " + std::to_string(partition) + " is held"
                           + (holder ? " by " + holder->node + " at epoch "
                                         + std::to_string(holder->epoch)
                                     : std::string{})
                           + ", not at epoch " + std::to_string(epoch));
}

caf::error
cluster_registry::put_presence(const std::string& node,
                               const std::map<std::string, int64_t>& sessions,
                               std::chrono::milliseconds ttl) {
  if (auto err = check_node(node))
    return err;
  if (auto err = check_ttl(ttl))
    return err;
  std::vector<std::vector<std::string>> batches;
  std::vector<std::string> keys;
  std::vector<std::string> args;
  auto flush = [&] {
    if (!keys.empty())
      batches.push_back(eval(scripts::put_presence, keys, args));
    keys.clear();
    args = {node, std::to_string(ttl.count())};
  };
  flush();
  for (auto& [user, count] : sessions) {
    if (auto err = check_user(user))
      return err;
    keys.push_back(presence_key(user));
    args.push_back(std::to_string(count));
    if (keys.size() == presence_batch)
      flush();
  }
  flush();
  auto replies = conn_.pipeline(batches);
  return replies ? caf::none : std::move(replies.error());
}

caf::expected<std::vector<std::string>>
cluster_registry::presence(const std::string& user) {
  if (auto err = check_user(user))
    return err;
  auto reply = conn_.command(eval(scripts::presence, {presence_key(user)}, {}));
  if (!reply)
    return std::move(reply.error());
  std::vector<std::string> result;
  for (auto& element : reply->elements)
    result.push_back(std::move(element.text));
  std::sort(result.begin(), result.end());
  return result;
}

caf::error cluster_registry::drop_presence(const std::string& node,
                                           const std::string& user) {
  if (auto err = check_node(node))
    return err;
  if (auto err = check_user(user))
    return err;
  auto reply = conn_.command({"ZREM", presence_key(user), node});
  return reply ? caf::none : std::move(reply.error());
}

} // namespace actodo::io::redis
