#pragma once

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "bench/histogram.hpp"
#include "bench/ws_client.hpp"

namespace actodo::bench {

/// A set of WebSocket sessions of one user, opened with bounded parallelism.
/// Counts frames and turns unexpected closes into errors.
class ws_group : public ws_listener {
 public:
  using frame_fn = std::function<void(ws_client&, std::string_view)>;

  ws_group(net::io_context& ioc, tcp::endpoint server, const user& who,
           std::map<std::string, uint64_t>& errors);

  /// Opens `count` sockets, at most `parallel` handshakes at a time; each
  /// counts as welcomed once its `welcome` frame arrived.
  void open(size_t count, size_t parallel);

  /// Called for every frame after `welcome`.
  void on_frames(frame_fn fn) {
    on_frame_ = std::move(fn);
  }

  /// Closes every socket; later failures are not errors.
  void close_all();

  size_t welcomed() const {
    return welcomed_;
  }

  size_t failed() const {
    return failed_;
  }

  /// Frames received after `welcome`, over all sockets.
  uint64_t frames = 0;

  /// open() -> welcome frame, per socket (nanoseconds).
  histogram welcome_latency;

  void on_open(ws_client& client) override;
  void on_frame(ws_client& client, std::string_view frame) override;
  void on_failure(ws_client& client, beast::error_code ec,
                  const char* what) override;

 private:
  void open_next();

  net::io_context& ioc_;
  tcp::endpoint server_;
  const user& user_;
  std::map<std::string, uint64_t>& errors_;
  std::vector<std::unique_ptr<ws_client>> clients_;
  std::vector<bool> welcomed_flags_;
  frame_fn on_frame_;
  size_t next_ = 0;
  size_t target_ = 0;
  size_t welcomed_ = 0;
  size_t failed_ = 0;
  bool closing_ = false;
};

} // namespace actodo::bench
