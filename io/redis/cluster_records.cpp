#include "io/redis/cluster_records.hpp"

#include <cctype>
#include <charconv>
#include <limits>

#include "config/error.hpp"

namespace actodo::io::redis {

namespace {

caf::error bad_field(std::string field, std::string detail) {
  return make_field_error(ec::invalid_field, std::move(field),
                          std::move(detail));
}

caf::error bad_record(std::string detail) {
  return caf::make_error(ec::invalid_record, std::move(detail));
}

/// `host:port` with no spaces or control characters.
bool valid_endpoint(const std::string& text) {
  if (text.empty() || text.size() > 300 || text.find(':') == std::string::npos)
    return false;
  for (unsigned char c : text)
    if (c <= ' ' || c == 0x7f)
      return false;
  return true;
}

/// The value of `name` in an HGETALL reply (nullptr when missing).
const std::string* field_of(const redis_reply& fields, const char* name) {
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    if (fields.elements[i].text == name)
      return &fields.elements[i + 1].text;
  return nullptr;
}

} // namespace

bool parse_integer(const std::string& text, int64_t& out) {
  auto end = text.data() + text.size();
  auto [ptr, err] = std::from_chars(text.data(), end, out);
  return !text.empty() && err == std::errc{} && ptr == end;
}

bool valid_node_id(const std::string& id) {
  if (id.empty() || id.size() > 128
      || !std::isalnum(static_cast<unsigned char>(id.front())))
    return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '@'
        && c != '-')
      return false;
  return true;
}

caf::error validate(const node_record& node) {
  if (!valid_node_id(node.id))
    return bad_field("node.id", "a node id has 1-128 characters from "
                                "[A-Za-z0-9._:@-] and starts with a letter "
                                "or a digit");
  if (!valid_endpoint(node.address))
    return bad_field("node.address", "must be host:port, without spaces");
  if (!valid_endpoint(node.http))
    return bad_field("node.http", "must be host:port, without spaces");
  for (auto p : node.partitions)
    if (p < 0)
      return bad_field("node.partitions", "partitions are 0 or more");
  if (node.since_ms < 0 || node.users < 0 || node.sessions < 0)
    return bad_field("node", "since_ms, users and sessions are 0 or more");
  return caf::none;
}

std::vector<std::string> encode_fields(const node_record& node) {
  std::string partitions;
  for (auto p : node.partitions)
    partitions += (partitions.empty() ? "" : ",") + std::to_string(p);
  return {"address",    node.address,
          "http",       node.http,
          "since_ms",   std::to_string(node.since_ms),
          "partitions", partitions,
          "users",      std::to_string(node.users),
          "sessions",   std::to_string(node.sessions)};
}

caf::expected<node_record> decode_node(const std::string& id,
                                       const redis_reply& fields) {
  node_record node;
  node.id = id;
  auto text = [&](const char* name, std::string& out) {
    auto value = field_of(fields, name);
    if (value)
      out = *value;
    return value != nullptr;
  };
  auto number = [&](const char* name, int64_t& out) {
    auto value = field_of(fields, name);
    return value && parse_integer(*value, out);
  };
  std::string partitions;
  if (!text("address", node.address) || !text("http", node.http)
      || !text("partitions", partitions) || !number("since_ms", node.since_ms)
      || !number("users", node.users) || !number("sessions", node.sessions))
    return bad_record("node " + id + ": missing or malformed fields");
  size_t pos = 0;
  while (pos < partitions.size()) {
    auto comma = std::min(partitions.find(',', pos), partitions.size());
    int64_t p = 0;
    if (!parse_integer(partitions.substr(pos, comma - pos), p) || p < 0
        || p > std::numeric_limits<int32_t>::max())
      return bad_record("node " + id + ": malformed partitions");
    node.partitions.push_back(static_cast<int32_t>(p));
    pos = comma + 1;
  }
  return node;
}

std::string encode_owner(const partition_owner& owner) {
  return std::to_string(owner.epoch) + " " + owner.node;
}

caf::expected<partition_owner> decode_owner(const std::string& text) {
  auto space = text.find(' ');
  partition_owner owner;
  if (space == std::string::npos
      || !parse_integer(text.substr(0, space), owner.epoch)
      || !valid_node_id(text.substr(space + 1)))
    return bad_record("malformed partition owner '" + text + "'");
  owner.node = text.substr(space + 1);
  return owner;
}

std::string encode_change(const partition_change& change) {
  return std::to_string(change.partition) + " "
         + (change.node.empty() ? "-" : change.node) + " "
         + std::to_string(change.epoch);
}

caf::expected<partition_change>
parse_partition_change(const std::string& payload) {
  auto first = payload.find(' ');
  auto last = payload.rfind(' ');
  int64_t partition = 0;
  partition_change change;
  if (first == std::string::npos || first == last
      || !parse_integer(payload.substr(0, first), partition) || partition < 0
      || partition > std::numeric_limits<int32_t>::max()
      || !parse_integer(payload.substr(last + 1), change.epoch))
    return bad_record("malformed partition change '" + payload + "'");
  change.partition = static_cast<int32_t>(partition);
  change.node = payload.substr(first + 1, last - first - 1);
  if (change.node == "-")
    change.node.clear();
  else if (!valid_node_id(change.node))
    return bad_record("malformed partition change '" + payload + "'");
  return change;
}

} // namespace actodo::io::redis
