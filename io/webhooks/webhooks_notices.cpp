// The `webhooks` actor's notices: the `webhook.disabled` event of a
// webhook the service disabled, owed in the store until the user's log has
// it (asked again at start and while owed).
#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/webhooks/webhooks.hpp"

namespace actodo::io::webhooks {

void webhooks_state::notice(const persistence::webhook_record& hook) {
  if (hook.notice_owed == 0 || !noticing.insert(hook.id).second)
    return; // Asked already; its answer settles it.
  if (hook.enabled) {
    // Enabled again before its log had the notice: the disabling it
    // would report is undone (and its reason gone).
    noticing.erase(hook.id);
    if (auto err = store->notice_given(hook.id, hook.notice_owed))
      std::cerr << "actodo: webhooks: the notice of " << hook.id
                << " stays owed: " << describe(err) << '\n';
    return;
  }
  actors::command cmd;
  cmd.user_id = hook.user_id;
  cmd.request_id = actors::new_id("r_");
  cmd.op = actors::command_op::webhook_disabled;
  cmd.todo_id = hook.id;
  // Once per disabling (asked again after a crash or a timeout).
  cmd.idempotency_key = "webhook:" + hook.id
                        + ":disabled:" + std::to_string(hook.notice_owed);
  cmd.canonical_body = nlohmann::json{{"id", hook.id},
                                      {"url", hook.url},
                                      {"reason", hook.disabled_reason}}
                         .dump(-1, ' ', false,
                               nlohmann::json::error_handler_t::replace);
  self->request(settings.directory, settings.request_timeout, std::move(cmd))
    .then(
      [this, id = hook.id, at = hook.notice_owed](actors::command_outcome&) {
        noticing.erase(id);
        if (auto err = store->notice_given(id, at))
          std::cerr << "actodo: webhooks: the notice of " << id
                    << " stays owed: " << describe(err) << '\n';
      },
      [this, id = hook.id](caf::error& err) {
        noticing.erase(id);
        std::cerr << "actodo: webhooks: the webhook.disabled event of " << id
                  << " was not recorded (asked again later): " << describe(err)
                  << '\n';
        arm_tick();
      });
}

void webhooks_state::arm_tick() {
  if (tick_armed)
    return;
  tick_armed = true;
  self->delayed_send(self, settings.reconcile_interval, atom::tick::value);
}

bool webhooks_state::pay_owed_notices() {
  // A disabling of the last moments has its first request still in flight.
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
                   settings.request_timeout)
                   .count();
  auto owed = store->owed_notices(actors::domain::now_ms() - timeout, 100);
  if (!owed) {
    std::cerr << "actodo: webhooks: owed notices not read: "
              << describe(owed.error()) << '\n';
    return true;
  }
  for (auto& hook : *owed)
    notice(hook);
  return !owed->empty();
}

} // namespace actodo::io::webhooks
