#include "io/kafka_client.hpp"

#include "caf/sec.hpp"

namespace actodo::io {

namespace {

caf::error failure(const std::string& what) {
  return caf::make_error(caf::sec::invalid_argument, "kafka: " + what);
}

/// Applies defaults, then the pass-through properties (they win).
caf::error configure(rd_kafka_conf_t* conf, const kafka_settings& cfg,
                     const header_list& defaults) {
  char err[512];
  auto set = [&](const std::string& name, const std::string& value) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof err)
        != RD_KAFKA_CONF_OK)
      return failure("property " + name
                     + (secret_property(name) ? "" : "=" + value) + ": " + err);
    return caf::error{};
  };
  if (auto e = set("bootstrap.servers", cfg.brokers))
    return e;
  for (auto& [name, value] : defaults)
    if (auto e = set(name, value))
      return e;
  for (auto& [name, value] : cfg.properties)
    if (auto e = set(name, value))
      return e;
  return caf::none;
}

caf::expected<kafka_handle> create(rd_kafka_type_t type,
                                   rd_kafka_conf_t* conf) {
  char err[512];
  auto rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return failure(err);
  }
  return kafka_handle{rk};
}

} // namespace

void kafka_deleter::operator()(rd_kafka_t* rk) const noexcept {
  if (rk == nullptr)
    return;
  if (rd_kafka_type(rk) == RD_KAFKA_CONSUMER)
    rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

caf::error check_properties(
  const std::vector<std::pair<std::string, std::string>>& properties) {
  std::unique_ptr<rd_kafka_conf_t, void (*)(rd_kafka_conf_t*)> conf{
    rd_kafka_conf_new(), rd_kafka_conf_destroy};
  char err[512];
  for (auto& [name, value] : properties)
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), err,
                          sizeof err)
        != RD_KAFKA_CONF_OK)
      return caf::make_error(caf::sec::invalid_argument,
                             "invalid option --kafka.property." + name + ": "
                               + err);
  return caf::none;
}

bool secret_property(std::string_view name) {
  for (auto word : {"password", "secret", "key", "token", "jaas"})
    if (name.find(word) != std::string_view::npos)
      return true;
  return false;
}

caf::expected<kafka_handle>
make_producer(const kafka_settings& cfg, const std::string& client_id,
              void* opaque,
              void (*dr)(rd_kafka_t*, const rd_kafka_message_t*, void*),
              header_list defaults) {
  auto conf = rd_kafka_conf_new();
  // Kafka's default partitioner (murmur2 on the key, as the Java client):
  // a user's records land where `domain::partition_of` says, so Kafka and
  // the cluster's ownership agree.
  defaults.insert(defaults.begin(), {{"client.id", client_id},
                                     {"enable.idempotence", "true"},
                                     {"linger.ms", "2"},
                                     {"partitioner", "murmur2_random"}});
  if (auto err = configure(conf, cfg, defaults)) {
    rd_kafka_conf_destroy(conf);
    return err;
  }
  rd_kafka_conf_set_opaque(conf, opaque);
  if (dr != nullptr)
    rd_kafka_conf_set_dr_msg_cb(conf, dr);
  return create(RD_KAFKA_PRODUCER, conf);
}

caf::expected<kafka_handle>
make_consumer(const kafka_settings& cfg, const std::string& client_id,
              void* opaque,
              void (*rebalance)(rd_kafka_t*, rd_kafka_resp_err_t,
                                rd_kafka_topic_partition_list_t*, void*)) {
  auto conf = rd_kafka_conf_new();
  header_list defaults{
    {"client.id", client_id},          {"group.id", cfg.group_id},
    {"enable.auto.commit", "false"},   {"enable.auto.offset.store", "false"},
    {"auto.offset.reset", "earliest"}, {"fetch.wait.max.ms", "10"}};
  defaults.insert(defaults.end(), cfg.consumer_properties.begin(),
                  cfg.consumer_properties.end());
  if (auto err = configure(conf, cfg, defaults)) {
    rd_kafka_conf_destroy(conf);
    return err;
  }
  rd_kafka_conf_set_opaque(conf, opaque);
  if (rebalance != nullptr)
    rd_kafka_conf_set_rebalance_cb(conf, rebalance);
  auto rk = create(RD_KAFKA_CONSUMER, conf);
  if (rk)
    rd_kafka_poll_set_consumer(rk->get());
  return rk;
}

header_list headers_of(const rd_kafka_message_t* msg) {
  header_list result;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return result;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size)
                     == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i)
    result.emplace_back(name,
                        value == nullptr
                          ? std::string{}
                          : std::string{static_cast<const char*>(value), size});
  return result;
}

rd_kafka_resp_err_t produce(rd_kafka_t* rk, const std::string& topic,
                            std::string_view key, std::string_view value,
                            const header_list& headers, void* opaque) {
  auto hdrs = rd_kafka_headers_new(headers.size());
  for (auto& [name, val] : headers)
    rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()),
                        val.data(), static_cast<ssize_t>(val.size()));
  auto err = rd_kafka_producev(
    rk, RD_KAFKA_V_TOPIC(topic.c_str()),
    RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
    RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs),
    RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    rd_kafka_headers_destroy(hdrs); // Owned by the message only on success.
  return err;
}

} // namespace actodo::io
