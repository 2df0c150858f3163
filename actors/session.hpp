#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "caf/typed_event_based_actor.hpp"

#include "actors/actor_metrics.hpp"
#include "actors/frame_sink.hpp"
#include "actors/gateway.hpp"
#include "actors/interfaces.hpp"

namespace actodo::actors {

/// The CAF side of one WebSocket: subscribes to the user's `todo_list`,
/// replays missed events from the journal, then forwards live frames to the
/// socket and the client's command frames to the directory.
struct session_state {
  static inline const char* name = "session";

  session_actor::pointer self = nullptr;
  std::string user_id;
  user_directory_actor directory;
  journal_actor journal;
  std::shared_ptr<frame_sink> sink;
  caf::timespan timeout{};
  /// Where it counts its messages (kind `session`).
  std::shared_ptr<actor_metrics> messages;
  /// The last event sequence the socket got (welcome, replay or live).
  int64_t last_seq = -1;
  /// The `todo_list` it is subscribed to (monitored: when it goes away,
  /// e.g. the user moved to another node, the session subscribes again).
  caf::actor_addr source;
  /// Failed attempts to subscribe again, one every `resubscribe_delay`.
  int32_t attempts = 0;

  /// Sends the missed events in (`after`, `until`], in pages.
  void replay(int64_t after, int64_t until);
  /// Arms the token expiry and subscribes to the user's list.
  void start(const session_options& from);
  /// The subscription stands at `seq`: welcome frame, then the replay.
  void welcome(int64_t seq, const session_options& from);
  /// Sends a command the client's socket decoded to the user's list.
  void submit(command& cmd);
  /// Forwards a live frame unless the socket had it already.
  void forward(const shared_frame& frame);
  /// The subscribed list went away: subscribe again and replay the gap.
  void resubscribe();
};

session_actor::behavior_type
session(session_actor::stateful_pointer<session_state> self,
        std::string user_id, session_options from,
        user_directory_actor directory, journal_actor journal,
        std::shared_ptr<frame_sink> sink, caf::timespan timeout,
        std::shared_ptr<actor_metrics> messages);

} // namespace actodo::actors
