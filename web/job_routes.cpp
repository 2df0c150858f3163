// Import jobs: /api/v1/imports and /api/v1/jobs (docs/api.md, "Import").
#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/domain/time.hpp"
#include "config/error.hpp"
#include "io/codec/import_codec.hpp"
#include "web/header_text.hpp"
#include "web/outcome_codec.hpp"
#include "web/router.hpp"

namespace actodo::web {

namespace {

using persistence::job_record;

nlohmann::json to_json(const job_record& x) {
  auto j = nlohmann::json{
    {"job_id", x.id},
    {"kind", "import"},
    {"format", x.format},
    {"state", x.state},
    {"total", x.total},
    {"done", x.done},
    {"failed", x.failed},
    {"created_at", actors::domain::format_rfc3339_ms(x.created_ms)},
    {"updated_at", actors::domain::format_rfc3339_ms(x.updated_ms)}};
  if (!x.detail.empty())
    j["detail"] = x.detail;
  return j;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string encode(const actors::job_view& x) {
  auto j = to_json(x.job);
  auto errors = nlohmann::json::array();
  for (auto& e : x.errors)
    errors.push_back(
      {{"index", e.index}, {"field", e.field}, {"detail", e.detail}});
  j["errors"] = std::move(errors);
  return dump(j);
}

/// The import format of a `Content-Type`: the media type, and a charset
/// parameter (if any) that must be UTF-8.
std::optional<io::codec::import_format> format_of(std::string_view value) {
  auto semi = value.find(';');
  auto type = ascii_lower(trim_ows(value.substr(0, semi)));
  auto format = io::codec::import_format_of(type);
  while (format && semi != std::string_view::npos) {
    value = value.substr(semi + 1);
    semi = value.find(';');
    auto param = trim_ows(value.substr(0, semi));
    auto eq = param.find('=');
    if (eq == std::string_view::npos)
      continue;
    auto name = ascii_lower(trim_ows(param.substr(0, eq)));
    auto arg = ascii_lower(trim_ows(param.substr(eq + 1)));
    if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"')
      arg = arg.substr(1, arg.size() - 2);
    if (name == "charset" && arg != "utf-8" && arg != "utf8")
      return std::nullopt;
  }
  return format;
}

} // namespace

bool router::jobs_on(responder& done) const {
  if (jobs_ != nullptr)
    return true;
  done(problem(503, "import jobs are not available on this node"));
  return false;
}

void router::create_import(const http_request& req, const path_params&,
                           responder& done) {
  if (!jobs_on(done))
    return;
  if (!req.query.empty())
    return done(problem(400, "unknown parameter", req.query.front().first));
  auto format = format_of(req.header("content-type"));
  if (!format) {
    auto res = problem(415,
                       "send text/calendar, application/json or text/csv "
                       "(UTF-8)",
                       "Content-Type");
    res.headers.emplace_back("Accept-Post",
                             "text/calendar, application/json, text/csv");
    return done(std::move(res));
  }
  std::string key;
  if (req.has_header("idempotency-key")) {
    key = std::string{req.header("idempotency-key")};
    auto visible = [](char c) { return c >= 0x20 && c <= 0x7e; };
    if (key.empty() || key.size() > 255
        || !std::all_of(key.begin(), key.end(), visible))
      return done(problem(400, "must be 1-255 visible ASCII characters",
                          "Idempotency-Key"));
  }
  // The router owns the request and this is its body's last reader: moved,
  // not copied (up to --imports.max-bytes).
  auto body = std::move(const_cast<std::string&>(req.body));
  jobs_->import(
    req.user, std::string{io::codec::to_string(*format)}, std::move(key),
    std::move(body), [done](caf::expected<job_record> job) {
      if (!job) {
        auto& err = job.error();
        if (err == ec::limit_exceeded && error_field(err) == "items")
          return done(problem(413, describe(err), "items"));
        if (err == ec::conflict && error_field(err) == "Idempotency-Key")
          return done(problem(422, describe(err), "Idempotency-Key"));
        return done(response_of(err));
      }
      auto res = json_response(
        dump({{"job_id", job->id}, {"state", job->state}}));
      res.status = 202;
      res.headers.emplace_back("Location", "/api/v1/jobs/" + job->id);
      done(std::move(res));
    });
}

void router::get_job(const http_request& req, const path_params& p,
                     responder& done) {
  if (!jobs_on(done))
    return;
  jobs_->get(req.user, p[0], [done](caf::expected<actors::job_view> x) {
    done(x ? json_response(encode(*x)) : response_of(x.error()));
  });
}

void router::cancel_job(const http_request& req, const path_params& p,
                        responder& done) {
  if (!jobs_on(done))
    return;
  jobs_->cancel(req.user, p[0], [done](caf::expected<job_record> x) {
    done(x ? json_response(dump(to_json(*x))) : response_of(x.error()));
  });
}

} // namespace actodo::web
