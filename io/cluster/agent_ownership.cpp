// The cluster agent's ownership of partitions: Kafka assigns and revokes,
// the store's epochs fence, Redis publishes (see cluster_agent.hpp).

#include <chrono>
#include <iostream>

#include "caf/actor_system.hpp"

#include "config/error.hpp"
#include "io/cluster/cluster_agent.hpp"

namespace actodo::io::cluster {

namespace atom = actodo::atom;

void cluster_agent_state::assign(int32_t total,
                                 const std::vector<int32_t>& parts) {
  if (total > 0)
    partitions = total;
  for (auto p : parts) {
    auto& epoch = owned[p];
    if (epoch == yielded)
      epoch = unclaimed;
  }
  claim_pending();
  publish_routes();
}

void cluster_agent_state::claim_pending() {
  std::vector<int32_t> parts;
  for (auto& [p, epoch] : owned)
    if (epoch == unclaimed && claiming.count(p) == 0)
      parts.push_back(p);
  if (parts.empty() || !settings.journal)
    return;
  // The new epochs go above what the map shows: an entry that outlived its
  // store (a store replaced or restored, Redis kept) would otherwise look
  // like a later claim and hold the partition with no owner.
  if (auto all = registry->owners())
    owners = std::move(*all);
  else
    redis_failed(all.error(), "cannot read the partition map");
  std::vector<int64_t> published;
  for (auto p : parts) {
    auto o = owners.find(p);
    published.push_back(o != owners.end() ? o->second.epoch : 0);
  }
  claiming.insert(parts.begin(), parts.end());
  // The store bumps the epochs after committing what this node appended
  // before: from here on the previous owner's commits fail.
  self
    ->request(settings.journal, settings.timeout, atom::claim::value, parts,
              std::move(published))
    .then(
      [this, parts](std::vector<int64_t>& epochs) {
        for (size_t i = 0; i < parts.size() && i < epochs.size(); ++i) {
          auto p = parts[i];
          claiming.erase(p);
          // Revoked meanwhile: the bumped epoch only fences the old owner.
          auto j = owned.find(p);
          if (j == owned.end() || j->second != unclaimed)
            continue;
          j->second = epochs[i];
          publish_owner(p);
        }
        size_t served = 0;
        for (auto& kvp : owned)
          served += kvp.second > 0 ? 1 : 0;
        std::cout << "actodo: cluster: " << settings.node_id << " owns "
                  << served << " of " << partitions << " partitions"
                  << std::endl;
        refresh_owners();
      },
      [this, parts](caf::error& err) {
        for (auto p : parts)
          claiming.erase(p);
        std::cerr << "actodo: cluster: cannot claim partitions in the store: "
                  << describe(err) << " (retrying)" << std::endl;
      });
}

void cluster_agent_state::publish_owner(int32_t p) {
  auto i = owned.find(p);
  if (i == owned.end() || i->second <= 0)
    return;
  auto written = registry->put_owner(p, {settings.node_id, i->second});
  if (!written)
    redis_failed(written.error(), "cannot publish a partition");
}

void cluster_agent_state::revoke(const std::vector<int32_t>& parts) {
  for (auto p : parts) {
    auto i = owned.find(p);
    if (i == owned.end())
      continue;
    if (i->second > 0)
      if (auto err = registry->clear_owner(p, i->second);
          err && err != ec::conflict)
        redis_failed(err, "cannot release a partition");
    owned.erase(i);
  }
  refresh_owners();
}

void cluster_agent_state::fenced(int32_t p, int64_t epoch) {
  auto i = owned.find(p);
  if (i == owned.end() || i->second != epoch)
    return; // Old news: claimed again or revoked since.
  std::cerr << "actodo: cluster: another node claimed partition " << p
            << " (fenced at epoch " << epoch << "); yielding" << std::endl;
  i->second = yielded;
  yielded_at[p] = std::chrono::steady_clock::now();
  refresh_owners();
}

void cluster_agent_state::refresh_owners() {
  if (auto all = registry->owners())
    owners = std::move(*all);
  else
    redis_failed(all.error(), "cannot read the partition map");
  auto now = std::chrono::steady_clock::now();
  for (auto& [p, epoch] : owned) {
    auto o = owners.find(p);
    auto other = o != owners.end() && o->second.node != settings.node_id;
    if (epoch > 0 && other && o->second.epoch > epoch) {
      // A stalled node's view: the group moved it on while it stood still.
      std::cerr << "actodo: cluster: " << o->second.node
                << " claimed partition " << p << " after this node; yielding"
                << std::endl;
      epoch = yielded;
      yielded_at[p] = now;
    } else if (epoch == yielded && !other
               && (o == owners.end()
                   || now - yielded_at[p] >= 2 * settings.heartbeat)) {
      // Kafka still gives it to this node and nobody else holds it (the
      // claim that fenced this node was never published, or was released).
      epoch = unclaimed;
    }
  }
  claim_pending();
  publish_routes();
}

void cluster_agent_state::publish_routes() {
  actors::routing_table table;
  table.partitions = partitions;
  auto size = static_cast<size_t>(std::max(partitions, 0));
  table.owners.resize(size);
  table.nodes.resize(size);
  table.epochs.resize(size);
  for (int32_t p = 0; p < partitions; ++p) {
    auto i = static_cast<size_t>(p);
    auto mine = owned.find(p);
    if (mine != owned.end() && mine->second > 0) {
      table.owners[i] = caf::actor_cast<caf::actor>(directory);
      table.nodes[i] = settings.node_id;
      table.epochs[i] = mine->second;
      continue;
    }
    auto o = owners.find(p);
    if (o == owners.end() || o->second.node == settings.node_id)
      continue; // No owner (or this node's claim is on its way).
    table.nodes[i] = o->second.node;
    // Owned by a node this one has no link to (yet): no route.
    auto peer = peers.find(o->second.node);
    if (peer != peers.end())
      table.owners[i] = caf::actor_cast<caf::actor>(peer->second.directory);
  }
  if (table.partitions == sent.partitions && table.owners == sent.owners
      && table.nodes == sent.nodes && table.epochs == sent.epochs)
    return;
  sent = table;
  if (settings.routing_listener)
    self->send(settings.routing_listener, atom::owners::value, table);
  self->send(directory, atom::owners::value, std::move(table));
}

} // namespace actodo::io::cluster
