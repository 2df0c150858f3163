#pragma once

#include <string>
#include <vector>

namespace actodo::io {

/// `actodo broker [--partitions=N]`: a local development Kafka broker on
/// librdkafka's mock cluster (127.0.0.1, in memory). Creates the topics,
/// prints `actodo: broker on 127.0.0.1:PORT` and runs until SIGINT/SIGTERM.
int run_broker(const std::vector<std::string>& args);

} // namespace actodo::io
