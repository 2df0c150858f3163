#include "io/broker.hpp"

#include <csignal>
#include <iostream>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "io/kafka_client.hpp"

namespace actodo::io {

int run_broker(const std::vector<std::string>& args) {
  int partitions = 4;
  for (size_t i = 0; i < args.size(); ++i) {
    static const std::string key = "--partitions=";
    // GNU style: `--partitions N` as well as `--partitions=N`.
    auto arg = args[i] == "--partitions" && i + 1 < args.size()
                 ? key + args[++i]
                 : args[i];
    if (arg.compare(0, key.size(), key) == 0) {
      try {
        partitions = std::stoi(arg.substr(key.size()));
      } catch (const std::exception&) {
        partitions = 0;
      }
      if (partitions < 1 || partitions > 1000) {
        std::cerr << "actodo: invalid option --partitions: must be 1-1000\n";
        return 2;
      }
    } else {
      std::cerr << "actodo: unexpected argument '" << arg
                << "' (usage: actodo broker [--partitions=N])\n";
      return 2;
    }
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // The mock cluster lives inside a client instance.
  char err[512];
  auto conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "client.id", "actodo-broker", err, sizeof err);
  kafka_handle rk{rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err)};
  if (!rk) {
    std::cerr << "actodo: broker: " << err << '\n';
    return 1;
  }
  auto cluster = rd_kafka_mock_cluster_new(rk.get(), 1);
  if (cluster == nullptr) {
    std::cerr << "actodo: broker: cannot start the mock cluster\n";
    return 1;
  }
  for (auto topic : {"actodo.commands", "actodo.events", "actodo.reminders",
                     "actodo.results", "actodo.commands.dlq"})
    rd_kafka_mock_topic_create(cluster, topic, partitions, 1);
  std::cout << "actodo: broker on " << rd_kafka_mock_cluster_bootstraps(cluster)
            << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  std::cout << "actodo: broker stopping" << std::endl;
  rd_kafka_mock_cluster_destroy(cluster);
  return 0;
}

} // namespace actodo::io
