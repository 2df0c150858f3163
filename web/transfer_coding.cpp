#include "web/transfer_coding.hpp"

#include "web/header_text.hpp"

namespace actodo::web {

transfer_verdict classify_transfer_encoding(std::string_view value,
                                            std::string_view& coding) {
  std::string_view last;
  std::string_view unknown;
  auto chunked = 0;
  // Empty list elements are allowed (RFC 9110 §5.6.1). A coding with
  // parameters is never `chunked`.
  for_each_element(value, [&](std::string_view item) {
    last = item;
    if (iequals(item, "chunked"))
      ++chunked;
    else if (unknown.empty())
      unknown = item;
  });
  if (last.empty()) {
    coding = "(empty)"; // The field is present but lists no coding.
    return transfer_verdict::bad_framing;
  }
  if (!iequals(last, "chunked") || chunked > 1) {
    coding = last;
    return transfer_verdict::bad_framing;
  }
  if (!unknown.empty()) {
    coding = unknown;
    return transfer_verdict::not_implemented;
  }
  return transfer_verdict::ok;
}

} // namespace actodo::web
