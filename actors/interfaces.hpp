#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/type_id.hpp"
#include "caf/typed_actor.hpp"

#include "actors/account_messages.hpp"
#include "actors/atoms.hpp"
#include "actors/io_interfaces.hpp"
#include "actors/job_messages.hpp"
#include "actors/messages.hpp"
#include "actors/routing_table.hpp"
#include "actors/webhook_messages.hpp"
#include "persistence/records.hpp"

namespace actodo::actors {

// -- typed actor interfaces ---------------------------------------------------

/// One per WebSocket: receives frames the user's `todo_list` encoded once
/// for all sessions, and the commands its socket decoded.
using session_actor = caf::typed_actor<
  // A frame (result or event JSON) for the client.
  caf::reacts_to<atom::frame, shared_frame>,
  // A command the client sent (decoded by the web layer).
  caf::reacts_to<command>,
  // The access token of the socket expired: close it.
  caf::reacts_to<atom::expire>,
  // Subscribe again (self-sent while the user's node is changing).
  caf::reacts_to<atom::retry>>;

/// Hears from the journal after every commit that wrote events (the Kafka
/// egress tails the outbox this way instead of polling).
using outbox_listener_actor = caf::typed_actor<caf::reacts_to<atom::wake>>;

/// Hears from the journal after every commit that wrote events: the users
/// whose logs grew, each with its last committed sequence (the webhooks).
using commit_listener_actor = caf::typed_actor<
  caf::reacts_to<atom::committed, std::map<std::string, int64_t>>>;

/// The client-facing protocol of a user's todos; `user_directory` routes it
/// to the right `todo_list` and `todo_list` answers it.
using todo_api = caf::typed_actor<
  // Applies a write; the reply is the durable outcome.
  caf::replies_to<command>::with<command_outcome>,
  // The reminder scheduler wakes a todo: user id, todo id. Fires what is
  // due and creates the next occurrence of a passed `from_due` series.
  caf::replies_to<atom::wake, std::string, std::string>::with<command_outcome>,
  // Lists todos: user id, the decoded query.
  caf::replies_to<atom::list, std::string, domain::query>::with<todo_page>,
  // Reads one todo: user id, todo id.
  caf::replies_to<atom::get, std::string, std::string>::with<domain::todo>,
  // Reads the user's time zone and projects: user id.
  caf::replies_to<atom::projects, std::string>::with<user_profile>,
  // Reads the user's notifications: user id, only unread ones, limit.
  caf::replies_to<atom::notices, std::string, bool,
                  int32_t>::with<notification_page>,
  // Reads the outcome of a command: user id, request id (state `pending`
  // while it is not durable).
  caf::replies_to<atom::status, std::string,
                  std::string>::with<persistence::request_record>,
  // Subscribes a session to results and events: user id, session. Replies
  // with the last committed sequence number; later events follow live.
  caf::replies_to<atom::subscribe, std::string, session_actor>::with<int64_t>,
  // Upcoming occurrences of a recurring todo: user id, todo id, limit.
  caf::replies_to<atom::occurs, std::string, std::string,
                  int32_t>::with<occurrence_list>,
  // Occurrences of an unsaved rule, computed by (and charged to) the
  // user's `todo_list`: user id, the decoded rule.
  caf::replies_to<atom::preview, std::string,
                  domain::preview_request>::with<occurrence_list>,
  // A frame for every session of the user that is not about a command
  // (an import job's progress): user id, frame.
  caf::reacts_to<atom::frame, std::string, shared_frame>>;

/// Owns the todos of one user; see actors/README.md.
using todo_list_actor = todo_api::extend<
  // A summary of the state, for the inspector: user id.
  caf::replies_to<atom::summary, std::string>::with<list_summary>,
  // Periodic idle check.
  caf::reacts_to<atom::tick>,
  // The directory agrees to passivation: quit.
  caf::reacts_to<atom::passivate>>;

/// Maps user ids to `todo_list` actors; spawns and passivates them.
using user_directory_actor = todo_api::extend<
  // The summary of a user's todo_list (if resident): user id.
  caf::replies_to<atom::summary, std::string>::with<list_summary>,
  // A `todo_list` reports being idle after handling `n` routed messages;
  // true: it is passivated (a `passivate` is on its way), false: it stays.
  caf::replies_to<atom::idle, std::string, uint64_t>::with<bool>,
  // Gives the heap freed by passivated lists back to the OS (self-sent).
  caf::reacts_to<atom::trim>,
  // Cluster mode: who owns which partition now (from the cluster agent).
  // Lists of partitions this node lost stop; messages for users of other
  // nodes go to their owner.
  caf::reacts_to<atom::owners, routing_table>,
  // Cluster mode: the users with WebSocket sessions on this node and how
  // many each (presence in Redis).
  caf::replies_to<atom::presence>::with<std::map<std::string, int64_t>>>;

/// Hears which partitions of the commands topic the node's Kafka consumer
/// got or lost (cluster mode: that is ownership).
using ownership_listener_actor = caf::typed_actor<
  // Assigned: partitions of the topic in total, the new ones.
  caf::reacts_to<atom::assign, int32_t, std::vector<int32_t>>,
  // Revoked.
  caf::reacts_to<atom::revoke, std::vector<int32_t>>>;

/// Hears that the store refused commits of a partition at an epoch: another
/// node claimed it (cluster mode).
using fence_listener_actor = caf::typed_actor<
  caf::reacts_to<atom::fenced, int32_t, int64_t>>;

/// A node's cluster agent (io/cluster): keeps the registry, the partition
/// map and the BASP links to the other nodes. Published on the cluster
/// port; peers introduce themselves with `hello`.
using cluster_agent_actor = ownership_listener_actor::
  extend_with<fence_listener_actor>::extend<
    // A peer's node id and directory -> this node's id and directory.
    caf::replies_to<atom::hello, std::string, user_directory_actor>::with<
      std::string, user_directory_actor>,
    // Every live node of the cluster (console `nodes`).
    caf::replies_to<atom::nodes>::with<std::vector<node_info>>,
    // The node id owning a user's partition (empty: none right now) and
    // the nodes holding sessions of the user (presence in Redis).
    caf::replies_to<atom::owner, std::string>::with<std::string,
                                                    std::vector<std::string>>,
    // The partition map in Redis changed (pub/sub), or a heartbeat is due.
    caf::reacts_to<atom::owners>, caf::reacts_to<atom::tick>,
    // The node serves: the address peers dial, the HTTP address (local,
    // once; the agent joins the registry then).
    caf::reacts_to<atom::start, std::string, std::string>>;

/// The only writer of the store; group-commits appends.
using journal_actor = caf::typed_actor<
  // Appends one command's records; replies after the commit.
  caf::replies_to<atom::append, persistence::user_batch>::with<int64_t>,
  // Commits what is pending (sent to itself).
  caf::reacts_to<atom::flush>,
  // Writes rows the store deferred in place while no command commits (sent
  // to itself).
  caf::reacts_to<atom::idle>,
  // Loads a user's todos and last sequence number.
  caf::replies_to<atom::load, std::string>::with<persistence::user_snapshot>,
  // Reads events: user id, after, limit.
  caf::replies_to<atom::events, std::string, int64_t,
                  int64_t>::with<std::vector<persistence::event_record>>,
  // Finds a request outcome: user id, request id. Replies with an empty
  // vector when unknown, one record otherwise.
  caf::replies_to<atom::find, std::string,
                  std::string>::with<std::vector<persistence::request_record>>,
  // Finds the outcome recorded under an idempotency key: user id, key.
  caf::replies_to<atom::idempotent, std::string,
                  std::string>::with<std::vector<persistence::request_record>>,
  // Forgets request outcomes older than the retention (periodic).
  caf::reacts_to<atom::prune>,
  // Reads the due-time index: after (at, user, todo), limit.
  caf::replies_to<atom::wakes, persistence::wake_entry,
                  int64_t>::with<std::vector<persistence::wake_entry>>,
  // The size of the due-time index.
  caf::replies_to<atom::count>::with<int64_t>,
  // Kafka outbox: up to `limit` entries after an id; after = -1 starts at
  // the persisted published position.
  caf::replies_to<atom::outbox, int64_t,
                  int64_t>::with<std::vector<persistence::outbox_record>>,
  // Kafka acknowledged everything up to this outbox id: persist it, drop
  // the entries; replies with the remaining backlog.
  caf::replies_to<atom::published, int64_t>::with<int64_t>,
  // Wake this listener after each commit that wrote events.
  caf::reacts_to<atom::tail, outbox_listener_actor>,
  // Claims partitions in the store (cluster mode): their new epochs, in
  // order, each above the epoch the partition map shows for it (second
  // vector, see `persistence::partition_epochs`). Everything appended
  // before is committed first.
  caf::replies_to<atom::claim, std::vector<int32_t>,
                  std::vector<int64_t>>::with<std::vector<int64_t>>,
  // Who hears about fenced commits (the cluster agent).
  caf::reacts_to<atom::fenced, fence_listener_actor>,
  // Who hears which users' logs grew after each commit (the webhooks).
  caf::reacts_to<atom::committed, commit_listener_actor>,
  // Whether the store answers now (`/readyz`).
  caf::replies_to<atom::ready>::with<bool>>;

/// The clock of reminders and `from_due` series: keeps the earliest part of
/// the durable due-time index in memory, arms one timer for its first entry
/// and wakes the todo's `todo_list` (through the directory) when it is due.
using reminder_scheduler_actor = caf::typed_actor<
  // Starts scheduling; wake commands go to this directory.
  caf::reacts_to<atom::start, user_directory_actor>,
  // After a commit: user id, todo id, old and new wake time (-1: none).
  caf::reacts_to<atom::schedule, std::string, std::string, int64_t, int64_t>,
  // The timer.
  caf::reacts_to<atom::tick>,
  // Cluster mode: the partitions this node owns, as their epochs (one per
  // partition, 0: not owned), from the directory after each change.
  caf::reacts_to<atom::owners, std::vector<int64_t>>,
  // A reminder fired: how late it was (ms), for the statistics.
  caf::reacts_to<atom::fired, int64_t>,
  // The next `n` entries of the index, for the console.
  caf::replies_to<atom::next, int32_t>::with<std::vector<planned_wake>>,
  // Statistics, for the console.
  caf::replies_to<atom::summary>::with<scheduler_summary>>;

/// Hashes and checks passwords (scrypt, ~0.1 s of one core each). A pool of
/// them, one detached actor per core, keeps the `accounts` actor free.
using hasher_actor = caf::typed_actor<
  // Hashes a new password -> `scrypt$...`.
  caf::replies_to<atom::hash, std::string>::with<std::string>,
  // Checks a password against a stored hash.
  caf::replies_to<atom::verify, std::string, std::string>::with<bool>>;

/// Accounts and tokens; blocks on SQLite only (hashing runs on the hasher
/// pool), so it runs detached. Refusals are errors with the project's codes
/// (`invalid_field`, `conflict`, `unauthorized`, `not_found`; `throttled`
/// and `unavailable` say when to retry, see `retry_after`).
using accounts_actor = caf::typed_actor<
  // Registers a user: username, password, client address.
  caf::replies_to<atom::signup, std::string, std::string,
                  std::string>::with<account_info>,
  // Logs in: username, password, client address -> access and refresh
  // token.
  caf::replies_to<atom::login, std::string, std::string,
                  std::string>::with<token_pair>,
  // Trades a refresh token for new tokens (the old one stops working; the
  // same token again within the grace period gets the same new pair).
  caf::replies_to<atom::refresh, std::string>::with<token_pair>,
  // Revokes a refresh token and its family.
  caf::replies_to<atom::logout, std::string>::with<logged_out>,
  // The account of a user id.
  caf::replies_to<atom::me, std::string>::with<account_info>,
  // Deletes expired refresh tokens (periodic, sent to itself).
  caf::reacts_to<atom::prune>>;

/// Answers the operator console (`actodo console`) over CAF networking:
/// admin token, command line, JSON output wanted -> text or JSON.
using inspector_actor = caf::typed_actor<
  caf::replies_to<atom::inspect, std::string, std::string,
                  bool>::with<std::string>,
  // `trace user <id>`: admin token, user id, the console's receiver; it
  // gets every result and event frame of the user until it goes away.
  caf::replies_to<atom::subscribe, std::string, std::string,
                  session_actor>::with<int64_t>,
  // Samples the message counters (every second, sent to itself).
  caf::reacts_to<atom::tick>>;

} // namespace actodo::actors

// -- the project's one type-id block ------------------------------------------

CAF_BEGIN_TYPE_ID_BLOCK(actodo, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(actodo, (actodo::actors::command))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::command_outcome))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::shared_frame))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::todo_page))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::list_summary))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::scheduler_summary))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::actors::planned_wake>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::occurrence_list))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::domain::todo))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::domain::query))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::domain::preview_request))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::event_record))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::request_record))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::todo_record))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::user_batch))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::user_snapshot))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::event_record>))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::request_record>))
  CAF_ADD_TYPE_ID(actodo, (std::vector<std::string>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::session_actor))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::wake_entry))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::wake_entry>))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::outbox_record))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::outbox_record>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::outbox_listener_actor))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::account_info))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::token_pair))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::logged_out))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::routing_table))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::node_info))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::actors::node_info>))
  CAF_ADD_TYPE_ID(actodo, (std::vector<int32_t>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::user_directory_actor))
  CAF_ADD_TYPE_ID(actodo, (std::vector<int64_t>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::fence_listener_actor))
  CAF_ADD_TYPE_ID(actodo, (std::map<std::string, int64_t>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::commit_listener_actor))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::webhook_spec))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::webhook_record))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::webhook_record>))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::delivery_record))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::delivery_record>))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::job_record))
  CAF_ADD_TYPE_ID(actodo, (actodo::persistence::job_progress))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::job_view))
  CAF_ADD_TYPE_ID(actodo, (std::map<std::string, std::string>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::feed_created))
  CAF_ADD_TYPE_ID(actodo, (std::vector<actodo::persistence::feed_record>))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::user_profile))
  CAF_ADD_TYPE_ID(actodo, (actodo::actors::notification_page))

CAF_END_TYPE_ID_BLOCK(actodo)
