#pragma once

#include <functional>

#include "web/beast.hpp"
#include "web/coalescing_stream.hpp"

namespace actodo::web {

/// Whether RFC 6455 §7.4 allows a peer to send this close code. Beast 1.74
/// rejects the reserved codes below 3000 itself but accepts 5000-65535.
bool is_allowed_close_code(uint16_t code);

/// Installs a control callback on `ws` that answers a close frame with a
/// code Beast lets through but RFC 6455 forbids (5000 and up) with 1002
/// (protocol error) and closes the connection, instead of echoing the code
/// with a normal close. `write_in_flight` tells whether a frame is being
/// written (then the connection is dropped without a close frame rather
/// than interleaving one into it).
void answer_bad_close_codes(websocket::stream<beast::tcp_stream>& ws,
                            std::function<bool()> write_in_flight);
void answer_bad_close_codes(
  websocket::stream<coalescing_stream<beast::tcp_stream>>& ws,
  std::function<bool()> write_in_flight);

} // namespace actodo::web
