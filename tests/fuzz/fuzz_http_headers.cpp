// libFuzzer target: the header checks every request passes before it is
// routed (issue #12): Transfer-Encoding framing, media types, Host and
// Origin. Input: three NUL-separated values (Transfer-Encoding and
// Content-Type values, Host) and the Origin.
#include <cstddef>
#include <cstdint>
#include <string>

#include "web/media_type.hpp"
#include "web/origin_policy.hpp"
#include "web/transfer_coding.hpp"

using namespace actodo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string parts[4];
  size_t idx = 0;
  for (size_t i = 0; i < size; ++i) {
    auto c = static_cast<char>(data[i]);
    if (c == '\0' && idx < 3)
      ++idx;
    else
      parts[idx] += c;
  }
  std::string_view coding;
  auto verdict = web::classify_transfer_encoding(parts[0], coding);
  // The offending coding is a part of the value.
  if (verdict != web::transfer_verdict::ok && coding != "(empty)"
      && parts[0].find(coding) == std::string::npos)
    __builtin_trap();
  web::is_json_media_type(parts[1]);
  for (auto local : {true, false}) {
    web::origin_policy policy{local, parts[3]};
    web::http_request req;
    req.method = "GET";
    req.path = "/";
    req.headers.emplace_back("host", parts[2]);
    req.headers.emplace_back("origin", parts[3]);
    auto refused = policy.check(req);
    // An origin the list allows is never refused for its origin.
    if (!local && refused && refused->status != 403)
      __builtin_trap();
    web::http_response res;
    policy.add_cors(parts[3], parts[2], res);
    policy.preflight(req);
  }
  web::origin_policy::is_loopback_host(parts[2]);
  return 0;
}
