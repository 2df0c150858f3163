#include "web/transfer_coding.hpp"

#include <cctype>

namespace actodo::web {

namespace {

std::string_view trim(std::string_view x) {
  while (!x.empty() && (x.front() == ' ' || x.front() == '\t'))
    x.remove_prefix(1);
  while (!x.empty() && (x.back() == ' ' || x.back() == '\t'))
    x.remove_suffix(1);
  return x;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

} // namespace

transfer_verdict classify_transfer_encoding(std::string_view value,
                                            std::string_view& coding) {
  std::string_view last;
  std::string_view unknown;
  auto chunked = 0;
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{}
                                            : value.substr(comma + 1);
    // A coding may carry parameters (`gzip;q=1` is not valid here, but a
    // parameter never turns a coding into `chunked`).
    auto name = trim(item.substr(0, item.find(';')));
    if (name.empty())
      continue; // Empty list elements are allowed (RFC 9110 §5.6.1).
    last = item;
    if (iequals(item, "chunked"))
      ++chunked;
    else if (unknown.empty())
      unknown = item;
  }
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
