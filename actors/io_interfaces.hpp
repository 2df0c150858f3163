#pragma once

// The typed interfaces of the io modules' actors (webhooks, import jobs,
// calendar feeds). They talk to the core actors through
// `actors/interfaces.hpp`, which includes this.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "actors/atoms.hpp"
#include "actors/job_messages.hpp"
#include "actors/routing_table.hpp"
#include "actors/webhook_messages.hpp"
#include "persistence/records.hpp"

namespace actodo::actors {

/// One per enabled webhook (io/webhooks/deliverer): posts the user's
/// matching events to the receiver, one at a time, in sequence order.
using deliverer_actor = caf::typed_actor<
  // The user's log grew up to this sequence.
  caf::reacts_to<atom::committed, int64_t>,
  // The backoff ran out: try again.
  caf::reacts_to<atom::retry>,
  // How a POST ended (status, latency, error, body).
  caf::reacts_to<atom::delivered, persistence::delivery_record>>;

/// Hears the cluster's routing table whenever ownership changes (the
/// webhooks run deliverers only for the users this node owns).
using routing_listener_actor = caf::typed_actor<
  caf::reacts_to<atom::owners, routing_table>>;

/// The node's webhooks (io/webhooks/webhooks): owns the webhook store,
/// answers the REST routes and runs one `deliverer` per enabled webhook.
using webhooks_actor = caf::typed_actor<
  // Registers a webhook for a user.
  caf::replies_to<atom::create, std::string,
                  webhook_spec>::with<persistence::webhook_record>,
  caf::replies_to<atom::list,
                  std::string>::with<std::vector<persistence::webhook_record>>,
  // user, id
  caf::replies_to<atom::get, std::string,
                  std::string>::with<persistence::webhook_record>,
  // user, id, the members to change
  caf::replies_to<atom::update, std::string, std::string,
                  webhook_spec>::with<persistence::webhook_record>,
  caf::replies_to<atom::remove, std::string, std::string>::with<bool>,
  // user, id, limit
  caf::replies_to<atom::deliveries, std::string, std::string,
                  int64_t>::with<std::vector<persistence::delivery_record>>,
  // user, id, first sequence to deliver again
  caf::replies_to<atom::replay, std::string, std::string,
                  int64_t>::with<persistence::webhook_record>,
  // From the journal: users whose logs grew.
  caf::reacts_to<atom::committed, std::map<std::string, int64_t>>,
  // From a deliverer: an attempt, the cursor it reached (-1: same) and
  // the deliverer's generation (a stopped one's cursors are not stored).
  caf::reacts_to<atom::delivered, persistence::delivery_record, int64_t,
                 uint64_t>,
  // From a deliverer: events up to this sequence did not match (id,
  // cursor, generation).
  caf::reacts_to<atom::cursor, std::string, int64_t, uint64_t>,
  // From a deliverer: give up on this webhook (id, reason, generation).
  caf::reacts_to<atom::disable, std::string, std::string, uint64_t>,
  // From the poster's thread: a URL check ended (ticket, refusal or "").
  caf::reacts_to<atom::vetted, uint64_t, std::string>,
  // Store the attempts and cursors queued so far (self-sent, shutdown).
  caf::reacts_to<atom::flush>,
  // Cluster mode: which partitions this node owns now.
  caf::reacts_to<atom::owners, routing_table>,
  // Cluster mode: compare the running deliverers with the store (webhooks
  // created, changed or replayed through other nodes).
  caf::reacts_to<atom::tick>>;

/// One per running import job (io/jobs/import_job): reads the next batch
/// of items, applies them as commands and reports the batch.
using import_job_actor = caf::typed_actor<caf::reacts_to<atom::next>,
                                          // A backoff ran out: send the batch's
                                          // unsettled commands (or its report)
                                          // again.
                                          caf::reacts_to<atom::retry>>;

/// The node's import jobs (io/jobs/jobs): owns the job store, answers the
/// REST routes and runs one `import_job` per queued or running job.
using jobs_actor = caf::typed_actor<
  // Stores an import and starts it: user, format, `Idempotency-Key` (may
  // be empty), payload. A key used before for the same upload answers
  // that job.
  caf::replies_to<atom::create, std::string, std::string, std::string,
                  std::string>::with<persistence::job_record>,
  // user, id
  caf::replies_to<atom::get, std::string, std::string>::with<job_view>,
  // user, id
  caf::replies_to<atom::cancel, std::string,
                  std::string>::with<persistence::job_record>,
  // From a job: the todos of UIDs imported before (user, UIDs).
  caf::replies_to<atom::find, std::string, std::vector<std::string>>::with<
    std::map<std::string, std::string>>,
  // From a job: a batch is done; false: the job ended (cancelled, or
  // another node took it over), stop.
  caf::replies_to<atom::progress, persistence::job_progress>::with<bool>,
  // Renew the leases of the running jobs, take over jobs whose node
  // stopped (self-sent, periodic).
  caf::reacts_to<atom::tick>>;

/// The node's calendar feeds (io/feeds/feeds): owns the feed store.
using feeds_actor = caf::typed_actor<
  // A new feed: user, description.
  caf::replies_to<atom::create, std::string, std::string>::with<feed_created>,
  caf::replies_to<atom::list,
                  std::string>::with<std::vector<persistence::feed_record>>,
  // Revokes one: user, id.
  caf::replies_to<atom::remove, std::string, std::string>::with<bool>,
  // The user of a token.
  caf::replies_to<atom::find, std::string>::with<std::string>>;

} // namespace actodo::actors
