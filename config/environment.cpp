#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace actodo::config {

namespace {

/// Names of the options that may come from `ACTODO_*` variables.
constexpr const char* env_options[] = {
  "host",
  "port",
  "data-dir",
  "body-limit",
  "io-threads",
  "max-batch",
  "sync",
  "idle-timeout",
  "request-timeout",
  "ws-queue-limit",
  "request-retention",
  "config-file",
  "auth",
  "ws-echo",
  "ui-dir",
  "no-metrics",
  "read-timeout",
  "admin-host",
  "admin-port",
  "admin-token",
  "max-todos",
  "max-sessions",
  "rate-limit",
  "ip-rate-limit",
  "jwt-secret",
  "jwt-secret-file",
  "access-ttl",
  "refresh-ttl",
  "login-user-failures",
  "login-address-failures",
  "login-window",
  "register-limit",
  "register-window",
  "hash-queue",
  "hash-workers",
  "refresh-grace",
  "kafka.brokers",
  "kafka.group-id",
  "kafka.commands-topic",
  "kafka.events-topic",
  "kafka.reminders-topic",
  "kafka.results-topic",
  "kafka.dlq-topic",
  "kafka.mode",
  "kafka.route-http",
};

/// Boolean options: flags on the command line.
constexpr const char* flag_options[] = {"ws-echo", "no-metrics",
                                        "kafka.route-http"};

/// `DATA_DIR` -> `data-dir`, `KAFKA_GROUP_ID` -> `kafka.group-id`,
/// `KAFKA_PROPERTY_SASL_PASSWORD` -> `kafka.property.sasl.password`.
std::string option_name(std::string var) {
  static constexpr std::string_view property = "KAFKA_PROPERTY_";
  static constexpr std::string_view kafka = "KAFKA_";
  auto lower = [](std::string x, char sep) {
    std::transform(x.begin(), x.end(), x.begin(), [sep](unsigned char c) {
      return c == '_' ? sep : static_cast<char>(std::tolower(c));
    });
    return x;
  };
  if (var.compare(0, property.size(), property) == 0)
    return "kafka.property." + lower(var.substr(property.size()), '.');
  if (var.compare(0, kafka.size(), kafka) == 0)
    return "kafka." + lower(var.substr(kafka.size()), '-');
  return lower(std::move(var), '-');
}

} // namespace

std::vector<std::string>
environment_arguments(const app_config&, char** envp,
                      std::vector<std::string>& unknown) {
  static constexpr std::string_view prefix = "ACTODO_";
  std::vector<std::string> result;
  for (auto i = envp; i != nullptr && *i != nullptr; ++i) {
    std::string_view entry{*i};
    if (entry.substr(0, prefix.size()) != prefix)
      continue;
    auto eq = entry.find('=');
    if (eq == std::string_view::npos)
      continue;
    auto var = std::string{entry.substr(prefix.size(), eq - prefix.size())};
    auto name = option_name(var);
    auto known = std::find(std::begin(env_options), std::end(env_options), name)
                   != std::end(env_options)
                 || name.compare(0, 15, "kafka.property.") == 0;
    if (!known) {
      unknown.emplace_back(std::string{prefix} + var);
      continue;
    }
    auto value = std::string{entry.substr(eq + 1)};
    // CAF takes flags without a value.
    if (std::find(std::begin(flag_options), std::end(flag_options), name)
        != std::end(flag_options)) {
      if (value == "true" || value == "1")
        result.emplace_back("--" + name);
      else if (value != "false" && value != "0")
        result.emplace_back("--" + name + "=" + value); // CAF reports it.
      continue;
    }
    result.emplace_back("--" + name + "=" + value);
  }
  return result;
}

} // namespace actodo::config
