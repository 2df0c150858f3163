#pragma once

#include <cstdint>
#include <string>

#include "caf/error.hpp"
#include "caf/make_message.hpp"
#include "caf/message.hpp"

namespace actodo {

/// Error codes of the project; they travel as `caf::error` values.
enum class ec : uint8_t {
  none = 0,
  /// The store could not commit or read (I/O error, full disk, corruption).
  store_failure,
  /// An append did not continue the user's sequence (lost predecessor).
  sequence_gap,
  /// The requested entity does not exist (for this user).
  not_found,
  /// The component is shutting down and takes no more work.
  shutting_down,
  /// A request to a component did not answer in time.
  timeout,
  /// The entity exists already (a taken username).
  conflict,
  /// A configured limit was reached.
  limit_exceeded,
  /// Missing or wrong credentials (admin token).
  forbidden,
  /// A stored record could not be decoded (corruption or a newer format).
  invalid_record,
  /// A request names something wrong (context: field, detail).
  invalid_field,
  /// The request would take more work than its budget (context: field,
  /// detail).
  too_expensive,
  /// An earlier request of the same kind still runs: retry later.
  busy,
  /// Missing, wrong or expired credentials (password, refresh token).
  unauthorized,
  /// Too many attempts within a window (failed logins, registrations); the
  /// context says when to retry (see `make_retry_error`).
  throttled,
  /// The component cannot take the work now (its queue is full, a worker
  /// failed); nothing happened, so it may be retried (see
  /// `make_retry_error`).
  unavailable,
  /// What was asked for existed but was removed (events older than the
  /// event retention; context: field, detail).
  gone,
  /// A commit carried a partition epoch the store no longer holds: another
  /// node claimed the partition (cluster mode; see `partition_epochs`).
  fenced,
};

std::string to_string(ec x);

/// A message for people: the text an error carries as its context when it
/// has one, CAF's rendering otherwise.
std::string describe(const caf::error& err);

/// An error about one field of a request: `code` with the field and a
/// detail for people as its context.
caf::error make_field_error(ec code, std::string field, std::string detail);

/// The field an error names (see `make_field_error`); empty when none.
std::string error_field(const caf::error& err);

/// An error the client may retry after `seconds`: `code` with the field
/// (may be empty), a detail for people and the seconds as its context.
caf::error make_retry_error(ec code, std::string field, std::string detail,
                            int64_t seconds);

/// The seconds an error says to wait before a retry (see
/// `make_retry_error`); 0 when it says nothing.
int64_t retry_after(const caf::error& err);

} // namespace actodo

CAF_ERROR_CODE_ENUM(actodo::ec, "actodo")
