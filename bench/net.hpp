#pragma once

#include <chrono>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace actodo::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;

/// The string value of `"key":"` in a JSON text, or empty; enough for the
/// server's compact frames (`request_id` holds no escapes).
inline std::string_view json_string_field(std::string_view text,
                                          std::string_view quoted_key) {
  auto at = text.find(quoted_key);
  if (at == std::string_view::npos)
    return {};
  auto begin = at + quoted_key.size();
  auto end = text.find('"', begin);
  if (end == std::string_view::npos)
    return {};
  return text.substr(begin, end - begin);
}

/// Nanoseconds from `from` to `to` (0 if negative).
inline uint64_t nanos_between(time_point from, time_point to) {
  auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(to - from);
  return d.count() < 0 ? 0 : static_cast<uint64_t>(d.count());
}

} // namespace actodo::bench
