#include "web/webhook_codec.hpp"

#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "io/codec/command_body.hpp"

namespace actodo::web {

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json to_json(const persistence::webhook_record& x) {
  using actors::domain::format_rfc3339_ms;
  nlohmann::json j{{"id", x.id},
                   {"url", x.url},
                   {"events", x.events},
                   {"description", x.description},
                   {"enabled", x.enabled},
                   {"cursor", x.cursor},
                   {"created_at", format_rfc3339_ms(x.created_ms)},
                   {"updated_at", format_rfc3339_ms(x.updated_ms)}};
  if (!x.enabled)
    j["disabled_reason"] = x.disabled_reason;
  return j;
}

/// Parses a JSON object body; a 400 for anything else.
std::optional<http_response> object_body(const std::string& body,
                                         nlohmann::json& doc) {
  if (auto err = io::codec::parse_client_json(body, doc))
    return problem(400, err->detail, err->field);
  if (!doc.is_object())
    return problem(400, "the body must be a JSON object");
  return std::nullopt;
}

} // namespace

std::string encode(const persistence::webhook_record& x, bool with_secret) {
  auto j = to_json(x);
  if (with_secret)
    j["secret"] = x.secret;
  return dump(j);
}

std::string encode(const std::vector<persistence::webhook_record>& xs) {
  auto items = nlohmann::json::array();
  for (auto& x : xs)
    items.push_back(to_json(x));
  return dump({{"items", std::move(items)}});
}

std::string encode(const std::vector<persistence::delivery_record>& xs) {
  auto items = nlohmann::json::array();
  for (auto& x : xs)
    items.push_back(
      {{"webhook_id", x.webhook_id},
       {"sequence", x.sequence},
       {"attempt", x.attempt},
       {"status", x.status == 0 ? nlohmann::json{} : nlohmann::json(x.status)},
       {"latency_ms", x.latency_ms},
       {"error", x.error.empty() ? nlohmann::json{} : nlohmann::json(x.error)},
       {"response", x.response},
       {"at", actors::domain::format_rfc3339_ms(x.at_ms)}});
  return dump({{"items", std::move(items)}});
}

std::optional<http_response> decode_webhook_spec(const std::string& body,
                                                 actors::webhook_spec& out) {
  nlohmann::json doc;
  if (auto err = object_body(body, doc))
    return err;
  for (auto& [key, value] : doc.items()) {
    if (key == "url" || key == "description") {
      if (!value.is_string())
        return problem(400, "must be a string", key);
      (key == "url" ? out.url : out.description) = value.get<std::string>();
    } else if (key == "events") {
      if (!value.is_array())
        return problem(400, "must be an array of event type patterns", key);
      std::vector<std::string> xs;
      for (auto& x : value) {
        if (!x.is_string())
          return problem(400, "must be an array of strings", key);
        xs.push_back(x.get<std::string>());
      }
      out.events = std::move(xs);
    } else if (key == "enabled") {
      if (!value.is_boolean())
        return problem(400, "must be a boolean", key);
      out.enabled = value.get<bool>();
    } else {
      return problem(400, "unknown field", key);
    }
  }
  return std::nullopt;
}

std::optional<http_response> decode_replay(const std::string& body,
                                           int64_t& from_sequence) {
  nlohmann::json doc;
  if (auto err = object_body(body, doc))
    return err;
  for (auto& [key, value] : doc.items())
    if (key != "from_sequence")
      return problem(400, "unknown field", key);
  auto i = doc.find("from_sequence");
  if (i == doc.end() || !i->is_number_integer())
    return problem(400, "must be an integer", "from_sequence");
  from_sequence = i->get<int64_t>();
  if (from_sequence < 1)
    return problem(400, "must be at least 1", "from_sequence");
  return std::nullopt;
}

} // namespace actodo::web
