#define CAF_SUITE actors.metrics

#include <sstream>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"

#include "actors/node_metrics.hpp"

using namespace actodo;

namespace {

/// The family names of `text`, from its `# TYPE` lines, in order.
std::vector<std::string> families(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.rfind("# TYPE ", 0) == 0)
      result.push_back(line.substr(7, line.find(' ', 7) - 7));
  return result;
}

/// A fake actor for `count_message`: a mailbox of a given size.
struct fake_self {
  struct mailbox_t {
    size_t n = 0;
    size_t size() const {
      return n;
    }
  } box;

  mailbox_t& mailbox() {
    return box;
  }
};

} // namespace

CAF_TEST(the node registers its families in the order of metrics) {
  actors::node_metrics stats;
  CAF_CHECK_EQUAL(families(stats.registry->render()),
                  std::vector<std::string>({
                    "actodo_ws_sessions",
                    "actodo_ws_frames_sent_total",
                    "actodo_ws_frames_received_total",
                    "actodo_ws_slow_readers_dropped_total",
                    "actodo_actors",
                    "actodo_actor_messages_total",
                    "actodo_actor_mailbox_depth",
                    "actodo_todo_lists_spawned_total",
                    "actodo_todo_lists_passivated_total",
                    "actodo_journal_commits_total",
                    "actodo_journal_commit_failures_total",
                    "actodo_journal_fenced_total",
                    "actodo_journal_batch_size",
                    "actodo_journal_commit_seconds",
                    "actodo_journal_deferred_rows",
                    "actodo_journal_folded_rows_total",
                    "actodo_journal_fold_seconds",
                    "actodo_reminders_pending",
                    "actodo_reminders_fired_total",
                    "actodo_reminders_backlog",
                    "actodo_reminder_lateness_seconds",
                    "actodo_occurrences_generated_total",
                  }));
}

CAF_TEST(live actors by kind are the resident lists and the open sessions) {
  actors::node_metrics stats;
  stats.lists->resident.add(3);
  stats.sessions->sessions.add(2);
  auto text = stats.registry->render();
  CAF_CHECK(text.find("# HELP actodo_actors Live actors by kind.\n"
                      "# TYPE actodo_actors gauge\n"
                      "actodo_actors{kind=\"todo_list\"} 3\n"
                      "actodo_actors{kind=\"session\"} 2\n")
            != std::string::npos);
  CAF_CHECK(text.find("\nactodo_ws_sessions 2\n") != std::string::npos);
}

CAF_TEST(each kind counts its own messages and samples the depth) {
  auto reg = std::make_shared<config::registry>();
  actors::actor_metrics stats{reg};
  fake_self self;
  self.box.n = 5;
  actors::count_message(stats, actors::actor_kind::journal, &self);
  self.box.n = 9;
  actors::count_message(stats, actors::actor_kind::journal, &self);
  CAF_CHECK_EQUAL(stats.handled(actors::actor_kind::journal).value(), 2);
  CAF_CHECK_EQUAL(stats.handled(actors::actor_kind::session).value(), 0);
#ifndef ACTODO_SANITIZED
  // Sampled on the first of every 16 messages.
  CAF_CHECK_EQUAL(stats.mailbox_depth(actors::actor_kind::journal).value(), 5);
#endif
  stats.enabled = false;
  actors::count_message(stats, actors::actor_kind::journal, &self);
  CAF_CHECK_EQUAL(stats.handled(actors::actor_kind::journal).value(), 2);
  CAF_CHECK(
    reg->render().find("actodo_actor_messages_total{kind=\"journal\"} 2\n")
    != std::string::npos);
}
