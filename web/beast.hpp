#pragma once

// The Boost.Beast and Asio names the web module uses; only the socket-level
// translation units include this.

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace actodo::web {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Reports a socket error unless it is the normal end of a connection.
void fail(beast::error_code ec, const char* what);

} // namespace actodo::web
