#include "io/cluster/cluster_agent.hpp"

#include <iostream>

#include "caf/actor_system.hpp"
#include "caf/io/middleman.hpp"

#include "actors/domain/partition.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"

namespace actodo::io::cluster {

namespace atom = actodo::atom;

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

/// Splits `host:port` (`[v6]:port`); port 0 when malformed.
std::pair<std::string, uint16_t> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return {address, 0};
  auto host = address.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = std::strtoul(address.c_str() + colon + 1, nullptr, 10);
  return {host, port <= 65535 ? static_cast<uint16_t>(port) : uint16_t{0}};
}

} // namespace

cluster_agent_state::~cluster_agent_state() {
  // A clean stop leaves the registry at once (the TTL covers a crash).
  // Here, not in an attached functor: those run after the state is gone.
  if (registry && !settings.address.empty())
    if (auto err = registry->remove_node(settings.node_id))
      std::cerr << "actodo: cluster: cannot leave the registry: "
                << describe(err) << std::endl;
}

void cluster_agent_state::redis_failed(const caf::error& err,
                                       const char* what) {
  if (redis_ok)
    std::cerr << "actodo: cluster: " << what << ": " << describe(err)
              << " (retrying)" << std::endl;
  redis_ok = false;
}

void cluster_agent_state::heartbeat() {
  redis::node_record me;
  me.id = settings.node_id;
  me.address = settings.address;
  me.http = settings.http;
  me.since_ms = since_ms;
  for (auto& kvp : owned)
    if (kvp.second > 0)
      me.partitions.push_back(kvp.first);
  me.users = stats.lists->resident.value();
  me.sessions = stats.sessions->sessions.value();
  auto ttl = duration_cast<milliseconds>(settings.session_timeout);
  if (auto err = registry->put_node(me, ttl)) {
    redis_failed(err, "cannot register in Redis");
    return;
  }
  if (!redis_ok)
    std::cerr << "actodo: cluster: Redis is back; registered again"
              << std::endl;
  redis_ok = true;
  // A new connection may be a restarted Redis that forgot the partition
  // map: publish ours again.
  if (conn->generation() != written_generation) {
    written_generation = conn->generation();
    for (auto& kvp : owned)
      publish_owner(kvp.first);
  }
  claim_pending(); // Retries a claim that failed.
  // Presence, rewritten in full each time (a restarted Redis has it back
  // after one heartbeat).
  self->request(directory, settings.timeout, atom::presence::value)
    .then([this](std::map<std::string, int64_t>& now) { put_presence(now); },
          [](caf::error&) {
            // The next heartbeat asks again.
          });
  if (auto nodes = registry->nodes()) {
    for (auto& node : *nodes)
      if (node.id > settings.node_id && peers.count(node.id) == 0)
        dial(node);
  } else {
    redis_failed(nodes.error(), "cannot list the nodes");
  }
  refresh_owners();
}

void cluster_agent_state::put_presence(
  const std::map<std::string, int64_t>& now) {
  auto out = now;
  for (auto& user : presence_sent)
    out.emplace(user, 0); // Gone from this node: removed at once.
  if (out.empty())
    return;
  auto ttl = duration_cast<milliseconds>(settings.session_timeout);
  if (auto err = registry->put_presence(settings.node_id, out, ttl)) {
    redis_failed(err, "cannot write presence");
    return;
  }
  presence_sent.clear();
  for (auto& kvp : now)
    presence_sent.insert(kvp.first);
}

void cluster_agent_state::dial(const redis::node_record& node) {
  auto [host, port] = split_address(node.address);
  if (port == 0 || dialing.count(node.id) > 0)
    return;
  dialing.insert(node.id);
  auto& sys = self->system();
  auto mm = settings.connector ? settings.connector
                               : sys.middleman().actor_handle();
  auto id = node.id;
  auto address = node.address;
  self->request(mm, settings.timeout, caf::connect_atom::value, host, port)
    .then(
      [this, id, address](const caf::node_id&, caf::strong_actor_ptr& ptr,
                          const std::set<std::string>&) {
        auto agent = caf::actor_cast<actors::cluster_agent_actor>(ptr);
        self
          ->request(agent, settings.timeout, atom::hello::value,
                    settings.node_id, directory)
          .then(
            [this, address](std::string& peer_id,
                            actors::user_directory_actor& dir) {
              dialing.erase(peer_id);
              add_peer(peer_id, address, std::move(dir));
            },
            [this, id](caf::error& err) {
              dialing.erase(id);
              std::cerr << "actodo: cluster: " << id
                        << " did not answer hello: " << describe(err)
                        << std::endl;
            });
      },
      [this, id, address](caf::error& err) {
        dialing.erase(id);
        // Once per outage: a dead node stays in the registry until its
        // entry expires.
        if (unreachable.insert(id).second)
          std::cerr << "actodo: cluster: cannot connect to " << id << " at "
                    << address << ": " << describe(err) << std::endl;
      });
}

void cluster_agent_state::add_peer(const std::string& id, std::string address,
                                   actors::user_directory_actor dir) {
  auto& entry = peers[id];
  if (entry.directory && entry.directory != dir)
    self->demonitor(entry.directory.address());
  entry.address = std::move(address);
  entry.directory = std::move(dir);
  unreachable.erase(id);
  self->monitor(entry.directory);
  std::cout << "actodo: cluster: linked with " << id << std::endl;
  publish_routes();
}

void cluster_agent_state::peer_down(const caf::actor_addr& dir) {
  for (auto i = peers.begin(); i != peers.end(); ++i) {
    if (i->second.directory.address() == dir) {
      std::cout << "actodo: cluster: lost " << i->first << std::endl;
      peers.erase(i);
      publish_routes();
      return;
    }
  }
}

std::vector<actors::node_info> cluster_agent_state::node_list() {
  std::vector<actors::node_info> result;
  auto nodes = registry->nodes();
  if (!nodes) {
    redis_failed(nodes.error(), "cannot list the nodes");
    return result;
  }
  for (auto& x : *nodes)
    result.push_back(actors::node_info{x.id, x.address, x.partitions, x.users,
                                       x.sessions, x.since_ms});
  return result;
}

actors::cluster_agent_actor::behavior_type cluster_agent(
  actors::cluster_agent_actor::stateful_pointer<cluster_agent_state> self,
  agent_settings settings, actors::user_directory_actor directory,
  actors::node_metrics stats) {
  auto& st = self->state;
  st.self = self;
  st.settings = std::move(settings);
  st.directory = std::move(directory);
  st.stats = std::move(stats);
  st.since_ms = actors::domain::now_ms();
  st.conn = std::make_unique<redis::redis_connection>(st.settings.redis);
  st.registry = std::make_unique<redis::cluster_registry>(*st.conn);
  self->set_down_handler(
    [self](caf::down_msg& dm) { self->state.peer_down(dm.source); });
  if (st.settings.journal)
    self->send(st.settings.journal, atom::fenced::value,
               caf::actor_cast<actors::fence_listener_actor>(self));
  return {
    [self](atom::start, std::string& address, std::string& http) {
      // Once, from this node (the address is known after the endpoint
      // opened).
      auto sender = self->current_sender();
      if (!self->state.settings.address.empty()
          || (sender != nullptr && sender->node() != self->node()))
        return;
      self->state.settings.address = std::move(address);
      self->state.settings.http = std::move(http);
      self->send(self, atom::tick::value);
    },
    [self](atom::tick) {
      self->state.heartbeat();
      self->delayed_send(self, self->state.settings.heartbeat,
                         atom::tick::value);
    },
    [self](atom::owners) { self->state.refresh_owners(); },
    [self](atom::assign, int32_t total, std::vector<int32_t>& parts) {
      self->state.assign(total, parts);
    },
    [self](atom::revoke, std::vector<int32_t>& parts) {
      self->state.revoke(parts);
    },
    [self](atom::fenced, int32_t p, int64_t epoch) {
      self->state.fenced(p, epoch);
    },
    [self](atom::hello, std::string& id, actors::user_directory_actor& dir)
      -> caf::result<std::string, actors::user_directory_actor> {
      std::string address;
      if (auto nodes = self->state.registry->nodes())
        for (auto& node : *nodes)
          if (node.id == id)
            address = node.address;
      self->state.add_peer(id, std::move(address), std::move(dir));
      return {self->state.settings.node_id, self->state.directory};
    },
    [self](atom::nodes) { return self->state.node_list(); },
    [self](atom::owner, const std::string& user)
      -> caf::result<std::string, std::vector<std::string>> {
      auto& st = self->state;
      std::string owner;
      if (st.sent.partitions > 0)
        owner = st.sent.nodes[static_cast<size_t>(
          actors::domain::partition_of(user, st.sent.partitions))];
      auto present = st.registry->presence(user);
      if (!present)
        st.redis_failed(present.error(), "cannot read presence");
      return {std::move(owner),
              present ? std::move(*present) : std::vector<std::string>{}};
    },
  };
}

} // namespace actodo::io::cluster
