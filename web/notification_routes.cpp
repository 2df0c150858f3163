// The notifications feed: /api/v1/notifications (docs/api.md,
// "Notifications").
#include <charconv>

#include <nlohmann/json.hpp>

#include "actors/apply.hpp"
#include "io/codec/command_body.hpp"
#include "web/media_type.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json page_json(const actors::notification_page& page) {
  auto items = json::array();
  for (auto& x : page.items) {
    auto j = actors::domain::to_json(x);
    j["read"] = x.id <= page.read_up_to;
    items.push_back(std::move(j));
  }
  return {{"items", std::move(items)},
          {"unread", page.unread},
          {"read_up_to", page.read_up_to}};
}

} // namespace

void router::list_notifications(const http_request& req, const path_params&,
                                responder& done) {
  auto unread = false;
  int32_t limit = 50;
  for (auto& [key, value] : req.query) {
    if (key == "unread") {
      if (value != "true" && value != "false")
        return done(problem(400, "must be true or false", key));
      unread = value == "true";
    } else if (key == "limit") {
      auto res = std::from_chars(value.data(), value.data() + value.size(),
                                 limit);
      if (res.ec != std::errc{} || res.ptr != value.data() + value.size()
          || limit < 1 || limit > 200)
        return done(problem(400, "must be an integer from 1 to 200", key));
    } else {
      return done(problem(400, "unknown parameter", key));
    }
  }
  gate_.notifications(req.user, unread, limit,
                      [done](caf::expected<actors::notification_page> page) {
                        done(page ? json_response(dump(page_json(*page)))
                                  : response_of(page.error()));
                      });
}

void router::read_notifications(const http_request& req, const path_params&,
                                responder& done) {
  if (!is_json_media_type(req.header("content-type")))
    return done(problem(415, "send application/json", "Content-Type"));
  json body;
  if (auto err = io::codec::parse_client_json(req.body, body))
    return done(problem(400, err->detail, err->field));
  if (!body.is_object())
    return done(problem(400, "the body must be a JSON object"));
  for (auto& [key, value] : body.items())
    if (key != "up_to")
      return done(problem(400, "unknown field", key));
  auto up_to = body.find("up_to");
  if (up_to == body.end() || !up_to->is_number_integer()
      || up_to->get<int64_t>() < 0)
    return done(
      problem(400, "must be a notification id (an integer >= 0)", "up_to"));
  auto cmd = command_for(actors::command_op::notifications_read, {});
  cmd.user_id = req.user;
  cmd.request_id = actors::new_id("r_");
  cmd.action.until_ms = up_to->get<int64_t>();
  cmd.canonical_body = io::codec::canonical(body);
  // Answered when durable, with the count as it is then.
  gate_.submit(std::move(cmd), [this, user = req.user, done](
                                 caf::expected<actors::command_outcome> x) {
    if (!x)
      return done(response_of(x.error()));
    if (actors::is_rejection(x->code))
      return done(response_of(*x));
    gate_.notifications(
      user, true, 1, [done](caf::expected<actors::notification_page> page) {
        if (!page)
          return done(response_of(page.error()));
        done(json_response(
          dump({{"unread", page->unread}, {"read_up_to", page->read_up_to}})));
      });
  });
}

} // namespace actodo::web
