// Webhooks: /api/v1/webhooks (docs/webhooks.md).
#include <charconv>

#include "web/outcome_codec.hpp"
#include "web/router.hpp"
#include "web/webhook_codec.hpp"

namespace actodo::web {

namespace {

using persistence::delivery_record;
using persistence::webhook_record;

template<class T, class Render>
actors::webhook_gateway::answer<T>
respond(const responder& done, Render render, int status = 200) {
  return [done, render, status](caf::expected<T> x) {
    if (!x)
      return done(response_of(x.error()));
    auto res = render(*x);
    res.status = status;
    done(std::move(res));
  };
}

actors::webhook_gateway::answer<webhook_record>
respond_hook(const responder& done, int status = 200, bool secret = false) {
  return respond<webhook_record>(
    done,
    [secret](const webhook_record& x) {
      return json_response(encode(x, secret));
    },
    status);
}

} // namespace

bool router::webhooks_on(responder& done) const {
  if (hooks_ != nullptr)
    return true;
  done(problem(503, "webhooks are not available on this node"));
  return false;
}

void router::list_webhooks(const http_request& req, const path_params&,
                           responder& done) {
  if (!webhooks_on(done))
    return;
  hooks_->list(req.user, respond<std::vector<webhook_record>>(
                           done, [](const std::vector<webhook_record>& xs) {
                             return json_response(encode(xs));
                           }));
}

void router::create_webhook(const http_request& req, const path_params&,
                            responder& done) {
  if (!webhooks_on(done))
    return;
  actors::webhook_spec spec;
  if (auto err = decode_webhook_spec(req.body, spec))
    return done(std::move(*err));
  if (!spec.url)
    return done(problem(400, "is required", "url"));
  if (!spec.events)
    return done(problem(400, "is required", "events"));
  auto cb = [done](caf::expected<webhook_record> x) {
    if (!x)
      return done(response_of(x.error()));
    auto res = json_response(encode(*x, true));
    res.status = 201;
    res.headers.emplace_back("Location", "/api/v1/webhooks/" + x->id);
    // The secret is shown once: keep it out of caches.
    res.headers.emplace_back("Cache-Control", "no-store");
    done(std::move(res));
  };
  hooks_->create(req.user, std::move(spec), std::move(cb));
}

void router::get_webhook(const http_request& req, const path_params& p,
                         responder& done) {
  if (webhooks_on(done))
    hooks_->get(req.user, p[0], respond_hook(done));
}

void router::update_webhook(const http_request& req, const path_params& p,
                            responder& done) {
  if (!webhooks_on(done))
    return;
  actors::webhook_spec spec;
  if (auto err = decode_webhook_spec(req.body, spec))
    return done(std::move(*err));
  if (!spec.url && !spec.events && !spec.description && !spec.enabled)
    return done(problem(400, "the body names no field to change"));
  hooks_->update(req.user, p[0], std::move(spec), respond_hook(done));
}

void router::delete_webhook(const http_request& req, const path_params& p,
                            responder& done) {
  if (!webhooks_on(done))
    return;
  hooks_->remove(req.user, p[0],
                 respond<bool>(
                   done,
                   [](bool) {
                     http_response res;
                     res.content_type.clear();
                     return res;
                   },
                   204));
}

void router::webhook_deliveries(const http_request& req, const path_params& p,
                                responder& done) {
  if (!webhooks_on(done))
    return;
  int64_t limit = 50;
  for (auto& [key, value] : req.query) {
    if (key != "limit")
      return done(problem(400, "unknown parameter", key));
    auto res = std::from_chars(value.data(), value.data() + value.size(),
                               limit);
    if (res.ec != std::errc{} || res.ptr != value.data() + value.size())
      return done(problem(400, "must be an integer", key));
  }
  if (limit < 1 || limit > 1000)
    return done(problem(400, "must be between 1 and 1000", "limit"));
  hooks_->deliveries(req.user, p[0], limit,
                     respond<std::vector<delivery_record>>(
                       done, [](const std::vector<delivery_record>& xs) {
                         return json_response(encode(xs));
                       }));
}

void router::replay_webhook(const http_request& req, const path_params& p,
                            responder& done) {
  if (!webhooks_on(done))
    return;
  int64_t from = 0;
  if (auto err = decode_replay(req.body, from))
    return done(std::move(*err));
  hooks_->replay(req.user, p[0], from, respond_hook(done, 202));
}

} // namespace actodo::web
