#include "web/close_codes.hpp"

namespace actodo::web {

bool is_allowed_close_code(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
         || (code >= 3000 && code <= 4999);
}

namespace {

template<class Stream>
void answer_bad_codes(websocket::stream<Stream>& ws,
                      std::function<bool()> write_in_flight) {
  ws.control_callback([&ws, write_in_flight = std::move(write_in_flight)](
                        websocket::frame_type kind, beast::string_view) {
    if (kind != websocket::frame_type::close)
      return;
    auto code = ws.reason().code;
    // Beast refuses the reserved codes below 3000 with 1002 itself; no
    // code at all (0 here) is allowed.
    if (code < 5000)
      return;
    auto& socket = beast::get_lowest_layer(ws).socket();
    beast::error_code ec;
    if (!write_in_flight || !write_in_flight()) {
      // One attempt that never blocks: a peer that does not read gets no
      // close frame, only the shutdown.
      static constexpr unsigned char protocol_error[] = {0x88, 0x02, 0x03,
                                                         0xEA};
      socket.non_blocking(true, ec);
      if (!ec)
        socket.write_some(net::buffer(protocol_error), ec);
    }
    // Beast's own answer (echoing the bad code) now fails to write.
    socket.shutdown(tcp::socket::shutdown_both, ec);
  });
}

} // namespace

void answer_bad_close_codes(websocket::stream<beast::tcp_stream>& ws,
                            std::function<bool()> write_in_flight) {
  answer_bad_codes(ws, std::move(write_in_flight));
}

void answer_bad_close_codes(
  websocket::stream<coalescing_stream<beast::tcp_stream>>& ws,
  std::function<bool()> write_in_flight) {
  answer_bad_codes(ws, std::move(write_in_flight));
}

} // namespace actodo::web
