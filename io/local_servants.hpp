#pragma once

#include <string>

#include "caf/io/network/scribe_impl.hpp"

namespace actodo::io {

/// A scribe on a Unix domain socket (or one end of a socket pair). CAF
/// 0.17.6 aborts when asked for the address of such a socket ("invalid
/// protocol family"): this one answers for it.
class local_scribe : public caf::io::network::scribe_impl {
 public:
  using scribe_impl::scribe_impl;

  std::string addr() const override {
    return "localhost";
  }

  uint16_t port() const override {
    return 0;
  }
};

} // namespace actodo::io
