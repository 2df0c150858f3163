#pragma once

#include <string_view>

namespace actodo::web {

/// What a request's `Transfer-Encoding` means for reading its body
/// (RFC 9112 §6.1, §6.3).
enum class transfer_verdict {
  /// No transfer coding, or exactly `chunked`: the body is framed.
  ok,
  /// The final coding is not `chunked` (or `chunked` appears twice): the
  /// body length cannot be determined; 400 and close.
  bad_framing,
  /// Chunked last, but with a coding we do not decode (gzip, ...): 501.
  not_implemented,
};

/// Classifies the comma-joined values of every `Transfer-Encoding` field of
/// a request that has at least one (an empty list is `bad_framing`);
/// `coding` receives the first offending coding for the error message.
transfer_verdict classify_transfer_encoding(std::string_view value,
                                            std::string_view& coding);

} // namespace actodo::web
