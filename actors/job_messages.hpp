#pragma once

// What the web layer asks of the `jobs` actor (io/jobs) and the `feeds`
// actor (io/feeds), typed. Refusals
// travel as `caf::error` with the project's codes and the field
// (config/error.hpp); web/job_routes.cpp encodes both for HTTP.

#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"

#include "persistence/feed_store.hpp"
#include "persistence/job_store.hpp"

namespace actodo::actors {

/// A job as `GET /api/v1/jobs/{id}` shows it: the record and the errors of
/// its failed items, by index.
struct job_view {
  persistence::job_record job;
  std::vector<persistence::job_error> errors;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_view& x) {
  return f(caf::meta::type_name("job_view"), x.job, x.errors);
}

/// A calendar feed just created: the record and the token of its URL
/// (`/feeds/<token>.ics`), shown only in this answer.
struct feed_created {
  persistence::feed_record feed;
  std::string token;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_created& x) {
  return f(caf::meta::type_name("feed_created"), x.feed, x.token);
}

} // namespace actodo::actors
