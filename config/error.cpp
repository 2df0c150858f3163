#include "config/error.hpp"

namespace actodo {

namespace {

/// Whether `ctx` is (field, detail, seconds), see `make_retry_error`.
bool is_retry_context(const caf::message& ctx) {
  return ctx.size() == 3 && ctx.match_element<std::string>(0)
         && ctx.match_element<std::string>(1) && ctx.match_element<int64_t>(2);
}

} // namespace

std::string to_string(ec x) {
  switch (x) {
    case ec::none: return "none";
    case ec::store_failure: return "store_failure";
    case ec::sequence_gap: return "sequence_gap";
    case ec::not_found: return "not_found";
    case ec::shutting_down: return "shutting_down";
    case ec::timeout: return "timeout";
    case ec::conflict: return "conflict";
    case ec::limit_exceeded: return "limit_exceeded";
    case ec::forbidden: return "forbidden";
    case ec::invalid_record: return "invalid_record";
    case ec::invalid_field: return "invalid_field";
    case ec::too_expensive: return "too_expensive";
    case ec::busy: return "busy";
    case ec::unauthorized: return "unauthorized";
    case ec::throttled: return "throttled";
    case ec::unavailable: return "unavailable";
    case ec::gone: return "gone";
    case ec::fenced: return "fenced";
  }
  return "unknown";
}

std::string describe(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    return ctx.get_as<std::string>(0);
  if ((ctx.size() == 2 && ctx.match_element<std::string>(1))
      || is_retry_context(ctx))
    return ctx.get_as<std::string>(1);
  return caf::to_string(err);
}

caf::error make_field_error(ec code, std::string field, std::string detail) {
  return caf::make_error(code, std::move(field), std::move(detail));
}

std::string error_field(const caf::error& err) {
  auto& ctx = err.context();
  if ((ctx.size() == 2 && ctx.match_element<std::string>(0))
      || is_retry_context(ctx))
    return ctx.get_as<std::string>(0);
  return {};
}

caf::error make_retry_error(ec code, std::string field, std::string detail,
                            int64_t seconds) {
  return caf::make_error(code, std::move(field), std::move(detail), seconds);
}

int64_t retry_after(const caf::error& err) {
  auto& ctx = err.context();
  if (is_retry_context(ctx))
    return ctx.get_as<int64_t>(2);
  return 0;
}

} // namespace actodo
