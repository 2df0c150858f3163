#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "caf/expected.hpp"

#include "actors/account_messages.hpp"
#include "actors/domain/preview.hpp"
#include "actors/domain/query.hpp"
#include "actors/frame_sink.hpp"
#include "actors/messages.hpp"
#include "persistence/records.hpp"

namespace actodo::actors {

/// Where a WebSocket session starts and when it ends.
struct session_options {
  /// Last sequence number the client saw; -1: only live frames.
  int64_t after = -1;
  /// A resume that would replay more events is refused (the client reads
  /// `/api/v1/events` first), so a replay always fits the socket's queue.
  int64_t max_replay = 2048;
  /// When the access token expires (ms since the epoch); 0: never.
  int64_t expires_ms = 0;
};

/// The web layer's door into the actors: plain C++ with callbacks, so that
/// web translation units need no CAF headers beyond `caf::expected`. Every
/// call returns at once; the callback runs later on a CAF thread (post it
/// to your own executor). Answers are typed values or the `caf::error`
/// (project codes: `not_found`, `invalid_field`, ... with the field) that
/// the edge maps to a status.
class gateway {
 public:
  template<class T>
  using answer = std::function<void(caf::expected<T>)>;
  using outcome_callback = answer<command_outcome>;

  /// The web side of one session actor.
  class session_link {
   public:
    virtual ~session_link() = default;
    /// Hands a command the client sent to the session actor.
    virtual void submit(command cmd) = 0;
    /// The socket closed: stops the session actor.
    virtual void close() = 0;
  };

  virtual ~gateway() = default;

  /// Applies a write; the callback runs once it is durable (or rejected).
  virtual void submit(command cmd, outcome_callback cb) = 0;

  /// Lists todos.
  virtual void list(std::string user, domain::query q, answer<todo_page> cb)
    = 0;

  virtual void
  get(std::string user, std::string todo_id, answer<domain::todo> cb)
    = 0;

  /// The user's time zone and projects (the Inbox first).
  virtual void profile(std::string user, answer<user_profile> cb) = 0;

  /// The user's newest `limit` notifications (only unread ones with
  /// `unread`).
  virtual void notifications(std::string user, bool unread, int32_t limit,
                             answer<notification_page> cb)
    = 0;

  /// Upcoming occurrences of a recurring todo.
  virtual void occurrences(std::string user, std::string todo_id, int32_t limit,
                           answer<occurrence_list> cb)
    = 0;

  /// Occurrences of an unsaved rule, computed by the user's `todo_list`.
  virtual void preview(std::string user, domain::preview_request req,
                       answer<occurrence_list> cb)
    = 0;

  /// Whether the node can take commands now: its store answers
  /// (`/readyz`).
  virtual void ready(answer<bool> cb) = 0;

  /// The outcome of a command (`pending` until it is durable).
  virtual void status(std::string user, std::string request_id,
                      answer<persistence::request_record> cb)
    = 0;

  /// The user's events after `after`.
  virtual void events(std::string user, int64_t after, int64_t limit,
                      answer<std::vector<persistence::event_record>> cb)
    = 0;

  /// Spawns the session actor of a new WebSocket.
  virtual std::shared_ptr<session_link>
  open_session(std::string user, session_options opts,
               std::shared_ptr<frame_sink> sink)
    = 0;

  // -- accounts: `remote` is the client address (logins and registrations
  // are throttled per address); refusals carry `retry_after` when a retry
  // may succeed later.

  /// Registers a user.
  virtual void signup(std::string username, std::string password,
                      std::string remote, answer<account_info> cb)
    = 0;

  /// Checks a password and issues an access and a refresh token.
  virtual void login(std::string username, std::string password,
                     std::string remote, answer<token_pair> cb)
    = 0;

  /// Trades a refresh token for the next pair.
  virtual void refresh(std::string refresh_token, answer<token_pair> cb) = 0;

  /// Revokes a refresh token and every token of its login.
  virtual void logout(std::string refresh_token, answer<logged_out> cb) = 0;

  /// The account of a user id.
  virtual void me(std::string user_id, answer<account_info> cb) = 0;
};

} // namespace actodo::actors
