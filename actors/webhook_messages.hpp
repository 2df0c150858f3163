#pragma once

// What the web layer asks of the `webhooks` actor (io/webhooks), typed.
// Refusals travel as `caf::error` with the project's codes and the field
// (config/error.hpp); web/webhook_routes.cpp encodes both for HTTP.

#include <optional>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

#include "actors/wire_inspect.hpp"
#include "persistence/webhook_store.hpp"

namespace actodo::actors {

/// A decoded `POST` or `PATCH` body of `/api/v1/webhooks`: the members the
/// client sent (a `POST` has `url` and `events`).
struct webhook_spec {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<std::string> description;
  /// `true` enables a disabled webhook again (delivery resumes at its
  /// cursor); `false` pauses it.
  std::optional<bool> enabled;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, webhook_spec& x) {
  return f(caf::meta::type_name("webhook_spec"), optional_field(x.url),
           optional_field(x.events), optional_field(x.description),
           optional_field(x.enabled));
}

} // namespace actodo::actors
