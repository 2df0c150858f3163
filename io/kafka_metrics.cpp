#include "io/kafka_metrics.hpp"

namespace actodo::io {

kafka_metrics::kafka_metrics(std::shared_ptr<config::registry> reg)
  : registry(std::move(reg)),
    produced(
      registry->add_counter("actodo_kafka_produced_total",
                            "Kafka records acknowledged by the broker.")),
    consumed(registry->add_counter("actodo_kafka_consumed_total",
                                   "Command records consumed from Kafka.")),
    failed(registry->add_counter(
      "actodo_kafka_failed_total",
      "Failed Kafka deliveries and rejected (DLQ) records.")),
    consumer_lag(registry->add_gauge(
      "actodo_kafka_consumer_lag",
      "Command records behind the partitions' high watermarks.")),
    outbox_backlog(
      registry->add_gauge("actodo_kafka_outbox_backlog",
                          "Committed events not yet acknowledged by Kafka.")) {}

kafka_metrics::kafka_metrics()
  : kafka_metrics(std::make_shared<config::registry>()) {}

} // namespace actodo::io
