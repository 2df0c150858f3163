#pragma once

// Shared set-up of the actor tests: CAF's deterministic test coordinator, a
// real SQLite store in a fresh temporary directory, and helpers.

#define FAIL(x) CAF_FAIL(x)

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "caf/test/dsl.hpp"

#include "actors/interfaces.hpp"
#include "config/error.hpp"
#include "config/settings.hpp"
#include "persistence/sqlite_connection.hpp"
#include "persistence/sqlite_store.hpp"

#include "tests/temp_dir.hpp"

namespace actodo::test {

struct test_config : caf::actor_system_config {
  test_config() {
    add_message_types<caf::id_block::actodo>();
  }
};

/// The real SQLite store with fault injection: while `fail_commits` is set,
/// commits fail the way a full disk would make them fail.
class faulty_store : public persistence::store {
 public:
  explicit faulty_store(std::unique_ptr<persistence::store> impl)
    : impl_(std::move(impl)) {}

  bool fail_commits = false;
  size_t commit_calls = 0;
  size_t last_seq_calls = 0;

  caf::error commit(const std::vector<persistence::user_batch>& xs) override {
    ++commit_calls;
    if (fail_commits)
      return caf::make_error(ec::store_failure, "injected: disk full");
    return impl_->commit(xs);
  }
  caf::expected<int64_t> last_seq(const std::string& user) override {
    ++last_seq_calls;
    return impl_->last_seq(user);
  }
  caf::expected<persistence::user_snapshot>
  load_user(const std::string& user) override {
    return impl_->load_user(user);
  }
  caf::expected<std::vector<persistence::event_record>>
  read_events(const std::string& user, int64_t after, int64_t limit) override {
    return impl_->read_events(user, after, limit);
  }
  persistence::deferred_rows deferred() override {
    return impl_->deferred();
  }
  caf::error fold(size_t max_rows) override {
    return impl_->fold(max_rows);
  }
  caf::expected<std::optional<persistence::request_record>>
  find_request(const std::string& user, const std::string& id) override {
    return impl_->find_request(user, id);
  }
  caf::expected<std::optional<persistence::request_record>>
  find_idempotent(const std::string& user, const std::string& key) override {
    return impl_->find_idempotent(user, key);
  }
  caf::expected<std::vector<persistence::wake_entry>>
  wakes_after(const persistence::wake_entry& after, int64_t limit) override {
    return impl_->wakes_after(after, limit);
  }
  caf::expected<int64_t> count_wakes() override {
    return impl_->count_wakes();
  }
  caf::expected<std::vector<int64_t>>
  claim_partitions(const std::vector<int32_t>& partitions,
                   const std::vector<int64_t>& published) override {
    return impl_->claim_partitions(partitions, published);
  }
  caf::expected<std::vector<int64_t>>
  current_epochs(const std::vector<int32_t>& partitions) override {
    return impl_->current_epochs(partitions);
  }
  caf::error prune_requests(int64_t cutoff) override {
    return impl_->prune_requests(cutoff);
  }
  caf::expected<int64_t> prune_events(int64_t cutoff, int64_t limit) override {
    return impl_->prune_events(cutoff, limit);
  }
  caf::expected<std::vector<persistence::outbox_record>>
  read_outbox(int64_t after, int64_t limit) override {
    return impl_->read_outbox(after, limit);
  }
  caf::expected<int64_t> published_position() override {
    return impl_->published_position();
  }
  caf::error publish_position(int64_t position) override {
    return impl_->publish_position(position);
  }
  caf::expected<int64_t> outbox_backlog() override {
    return impl_->outbox_backlog();
  }

  caf::error ping() override {
    return impl_->ping();
  }

 private:
  std::unique_ptr<persistence::store> impl_;
};

/// Opens a store in `dir` wrapped for fault injection.
/// Journal options without request or event pruning, batches of 100.
inline config::journal_options unpruned_journal() {
  config::journal_options opts;
  opts.max_batch = 100;
  opts.request_retention = caf::timespan{0};
  return opts;
}

inline std::shared_ptr<faulty_store> open_store(
  const std::string& dir,
  size_t max_deferred = persistence::sqlite_store::default_deferred_rows) {
  auto store = persistence::sqlite_store::open(
    persistence::database_path(dir), "normal", false, 2, max_deferred);
  if (!store)
    CAF_FAIL("cannot open store: " << caf::to_string(store.error()));
  return std::make_shared<faulty_store>(std::move(*store));
}

/// A stand-in WebSocket session that records the frames it receives.
inline actors::session_actor
recording_session(caf::actor_system& sys,
                  std::shared_ptr<std::vector<std::string>> frames) {
  // `frames` is a spawn argument: CAF 0.17 dereferences a null tuple
  // pointer for function-based actors without arguments (UBSan).
  return sys.spawn(
    [](actors::session_actor::pointer,
       std::shared_ptr<std::vector<std::string>> frames)
      -> actors::session_actor::behavior_type {
      return {
        [frames](atom::frame, const actors::shared_frame& frame) {
          frames->push_back(*frame.text);
        },
        [](actors::command&) {},
        [](atom::expire) {},
        [](atom::retry) {},
      };
    },
    std::move(frames));
}

/// One event of a user's batch with the given sequence number.
inline persistence::user_batch batch_for(const std::string& user,
                                         int64_t first_seq, int n,
                                         const std::string& request_id) {
  persistence::user_batch b;
  b.user_id = user;
  for (int i = 0; i < n; ++i)
    b.events.push_back(
      {first_seq + i, "todo.created", "t" + std::to_string(first_seq + i),
       R"({"sequence":)" + std::to_string(first_seq + i) + "}"});
  b.request.request_id = request_id;
  b.request.state = "done";
  b.request.status = 201;
  b.request.body = "null";
  return b;
}

} // namespace actodo::test
