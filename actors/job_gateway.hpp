#pragma once

#include <functional>
#include <string>

#include "caf/expected.hpp"

#include "actors/job_messages.hpp"

namespace actodo::actors {

/// The web layer's door to import jobs (io/jobs): plain C++ with
/// callbacks, like `gateway`. Every call returns at once; the callback runs
/// later on a CAF thread. Refusals are `caf::error`s naming the field.
class job_gateway {
 public:
  template<class T>
  using answer = std::function<void(caf::expected<T>)>;

  virtual ~job_gateway() = default;

  /// Stores an import job for `payload` in `format` (`ics`, `json`, `csv`)
  /// and starts it; the answer is the queued job, durable. With a `key`
  /// (`Idempotency-Key`, may be empty) the same upload again answers the
  /// job it made; another upload with that key is refused (`conflict`,
  /// field `Idempotency-Key`).
  virtual void import(std::string user, std::string format, std::string key,
                      std::string payload, answer<persistence::job_record> cb)
    = 0;

  /// A job of the user with the errors of its failed items.
  virtual void get(std::string user, std::string id, answer<job_view> cb) = 0;

  /// Cancels a queued or running job of the user.
  virtual void
  cancel(std::string user, std::string id, answer<persistence::job_record> cb)
    = 0;
};

} // namespace actodo::actors
