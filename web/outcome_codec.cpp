#include "web/outcome_codec.hpp"

#include "caf/error.hpp"
#include "caf/sec.hpp"
#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "actors/record_codec.hpp"
#include "config/error.hpp"
#include "io/codec/cursor.hpp"
#include "web/jwt.hpp"

namespace actodo::web {

int status_of(const actors::command_outcome& x) {
  return actors::records::status_of(x.code);
}

std::string body_of(const actors::command_outcome& x) {
  return actors::records::body_of(x);
}

http_response response_of(const actors::command_outcome& x) {
  http_response res;
  res.status = status_of(x);
  res.body = body_of(x);
  if (res.status >= 400)
    res.content_type = "application/problem+json";
  else if (res.body.empty())
    res.content_type.clear();
  return res;
}

namespace {

int status_of(const caf::error& err) {
  if (err == caf::sec::request_timeout)
    return 504;
  if (err.category() != caf::atom("actodo"))
    return 503;
  switch (static_cast<ec>(err.code())) {
    case ec::not_found: return 404;
    case ec::invalid_field: return 400;
    case ec::too_expensive: return 422;
    case ec::busy: return 429;
    case ec::limit_exceeded:
    case ec::conflict: return 409;
    case ec::forbidden: return 403;
    case ec::unauthorized: return 401;
    case ec::throttled: return 429;
    case ec::timeout: return 504;
    case ec::gone: return 410;
    case ec::fenced: return 503;
    default: return 503;
  }
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

http_response response_of(const caf::error& err) {
  auto status = status_of(err);
  // The project's own errors say what happened; CAF's get a preamble.
  auto own = err.category() == caf::atom("actodo");
  auto detail = own ? describe(err)
                : err == caf::sec::request_receiver_down
                  // A todo list that failed (its store went away) and was
                  // not yet replaced.
                  ? std::string{"the request reached a component that was "
                                "restarting; retry"}
                  : "the request could not be completed: "
                      + caf::to_string(err);
  auto res = problem(status, detail, error_field(err));
  if (auto wait = retry_after(err); wait > 0) {
    // The problem says when to come back, as does the header.
    auto doc = nlohmann::json::parse(res.body);
    doc["retry_after"] = wait;
    res.body = dump(doc);
    res.headers.emplace_back("Retry-After", std::to_string(wait));
  } else if (status == 429 || status == 503) {
    // Nothing happened: the same request may come back in a second.
    res.headers.emplace_back("Retry-After", "1");
  }
  return res;
}

std::string encode(const actors::account_info& x) {
  return dump(
    {{"id", x.id},
     {"username", x.username},
     {"created_at", actors::domain::format_rfc3339_ms(x.created_ms)}});
}

std::string encode(const actors::token_pair& x, std::string_view key) {
  return dump({{"access_token", sign_jwt(x.access, key)},
               {"token_type", "Bearer"},
               {"expires_in", x.expires_in},
               {"refresh_token", x.refresh_token}});
}

std::string encode(const actors::domain::todo& t) {
  return actors::records::encode_todo(t);
}

http_response json_response(std::string body) {
  http_response res;
  res.body = std::move(body);
  return res;
}

std::string encode(const actors::todo_page& page,
                   const std::vector<actors::domain::sort_key>& sort) {
  // Written directly: a page of 50 todos as a tree took ~1,500 allocations.
  std::string out;
  out.reserve(512 * (page.items.size() + 1));
  out += R"({"items":[)";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0)
      out += ',';
    actors::domain::append_json(out, page.items[i]);
  }
  out += R"(],"next_cursor":)";
  // The cursor is base64url: nothing to escape.
  out += page.next ? '"' + io::codec::encode_cursor(sort, *page.next) + '"'
                   : std::string{"null"};
  out += '}';
  return out;
}

std::string encode(const actors::occurrence_list& xs) {
  auto items = nlohmann::json::array();
  for (auto& due : xs.dues)
    items.push_back({{"due", due}});
  return dump(nlohmann::json{{"items", std::move(items)}});
}

std::string encode(const std::vector<persistence::event_record>& events) {
  std::string body = R"({"items":[)";
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0)
      body += ',';
    body += events[i].json;
  }
  body += "]}";
  return body;
}

std::string result_frame(const actors::command_outcome& x) {
  persistence::request_record rec;
  rec.request_id = x.request_id;
  rec.status = status_of(x);
  rec.body = body_of(x);
  return actors::records::result_frame(rec);
}

std::string error_frame(const std::string& request_id, int status,
                        const std::string& problem_json) {
  nlohmann::json frame{{"type", "error"},
                       {"request_id", nullptr},
                       {"status", status},
                       {"problem", nlohmann::json::parse(problem_json)}};
  if (!request_id.empty())
    frame["request_id"] = request_id;
  return frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace actodo::web
