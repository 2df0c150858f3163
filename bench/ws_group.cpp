#include "bench/ws_group.hpp"

namespace actodo::bench {

ws_group::ws_group(net::io_context& ioc, tcp::endpoint server, const user& who,
                   std::map<std::string, uint64_t>& errors)
  : ioc_(ioc), server_(server), user_(who), errors_(errors) {}

void ws_group::open(size_t count, size_t parallel) {
  target_ = clients_.size() + count;
  clients_.reserve(target_);
  welcomed_flags_.resize(target_, false);
  for (size_t i = 0; i < parallel && next_ < target_; ++i)
    open_next();
}

void ws_group::open_next() {
  if (next_ >= target_ || closing_)
    return;
  auto index = next_++;
  clients_.push_back(
    std::make_unique<ws_client>(ioc_, server_, user_, *this, index));
  clients_.back()->open();
}

void ws_group::on_open(ws_client&) {
  // Counted on the welcome frame.
}

void ws_group::on_frame(ws_client& client, std::string_view frame) {
  if (!welcomed_flags_[client.index()]) {
    if (frame.rfind(R"({"type":"welcome")", 0) != 0)
      ++errors_["ws_first_frame_not_welcome"];
    welcomed_flags_[client.index()] = true;
    ++welcomed_;
    welcome_latency.record(nanos_between(client.opened_at, clock_type::now()));
    open_next();
    return;
  }
  ++frames;
  if (frame.rfind(R"({"type":"error")", 0) == 0)
    ++errors_["ws_error_frame"];
  if (on_frame_)
    on_frame_(client, frame);
}

void ws_group::on_failure(ws_client& client, beast::error_code ec,
                          const char* what) {
  if (closing_)
    return;
  ++failed_;
  std::string kind = what;
  if (ec == websocket::error::closed)
    kind += "_closed_" + std::to_string(client.close_code());
  else
    kind += "_" + ec.message();
  ++errors_[kind];
  if (!welcomed_flags_[client.index()])
    open_next();
}

void ws_group::close_all() {
  closing_ = true;
  for (auto& client : clients_)
    client->close();
}

} // namespace actodo::bench
