#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace actodo::actors::domain {

/// Something that happened which is meant for the person, kept for them
/// until they have seen it: a reminder that fired, a series that ended, an
/// import job that finished, a webhook that was disabled.
struct notification {
  /// The sequence number of the event it stems from (ids grow with time).
  int64_t id = 0;
  /// `reminder`, `series.ended`, `job.done`, `job.failed` or
  /// `webhook.disabled`.
  std::string kind;
  /// RFC 3339 ms UTC.
  std::string created_at;
  /// The todo, job or webhook it is about.
  std::string subject;
  /// One line for the person (a todo's title, "Import finished", ...).
  std::string title;
  /// The details as JSON text (an object).
  std::string data;
};

bool operator==(const notification& x, const notification& y);

/// `{"id","kind","created_at","subject","title","data"}` (keys in byte
/// order); `data` embedded as the object it is.
nlohmann::json to_json(const notification& x);

/// Inverse of `to_json` for stored rows; throws a nlohmann::json exception
/// on missing keys or wrong types.
notification notification_from_json(const nlohmann::json& obj);

} // namespace actodo::actors::domain
