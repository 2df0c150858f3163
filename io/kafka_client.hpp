#pragma once

#include <cstdint>
#include <future>
#include <librdkafka/rdkafka.h>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caf/expected.hpp"

#include "config/settings.hpp"

namespace actodo::io {

/// What the Kafka bridge needs to know (`brokers` empty: Kafka is off):
/// its options, declared once in config/settings.hpp.
using kafka_settings = config::kafka_options;

/// Headers of a Kafka record, in order (a name may repeat).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Frees an `rd_kafka_t`.
struct kafka_deleter {
  void operator()(rd_kafka_t* rk) const noexcept;
};

using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_deleter>;

/// How a Kafka actor tells the code that spawned it whether its clients
/// started (`caf::none`) or why not; fulfilled once, when the actor starts.
using start_promise = std::shared_ptr<std::promise<caf::error>>;

/// Checks every pass-through property with librdkafka on a scratch
/// configuration (no broker needed); the error names the first bad one as
/// `--kafka.property.NAME` with librdkafka's reason.
caf::error check_properties(
  const std::vector<std::pair<std::string, std::string>>& properties);

/// Whether a librdkafka property holds a secret (never logged).
bool secret_property(std::string_view name);

/// A configured producer (`enable.idempotence=true`, plus `defaults`; the
/// pass-through properties win). `opaque` reaches `dr` as its last
/// argument; the caller serves reports with `rd_kafka_poll`.
caf::expected<kafka_handle>
make_producer(const kafka_settings& cfg, const std::string& client_id,
              void* opaque,
              void (*dr)(rd_kafka_t*, const rd_kafka_message_t*, void*),
              header_list defaults = {});

/// A consumer-group member (offsets stored and committed by the caller).
caf::expected<kafka_handle>
make_consumer(const kafka_settings& cfg, const std::string& client_id,
              void* opaque,
              void (*rebalance)(rd_kafka_t*, rd_kafka_resp_err_t,
                                rd_kafka_topic_partition_list_t*, void*));

/// Copies the headers of a consumed record.
header_list headers_of(const rd_kafka_message_t* msg);

/// Produces one record (copied); `opaque` comes back in the delivery report.
rd_kafka_resp_err_t produce(rd_kafka_t* rk, const std::string& topic,
                            std::string_view key, std::string_view value,
                            const header_list& headers, void* opaque);

} // namespace actodo::io
