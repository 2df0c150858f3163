#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace actodo::config {

namespace {

/// `DATA_DIR` -> `data-dir`, `KAFKA_GROUP_ID` -> `kafka.group-id`,
/// `KAFKA_PROPERTY_SASL_PASSWORD` -> `kafka.property.sasl.password`,
/// `CLUSTER_NODE_ID` -> `cluster.node-id`, `WEBHOOKS_RETRY_MAX` ->
/// `webhooks.retry-max`.
std::string option_name(std::string var) {
  static constexpr std::string_view property = "KAFKA_PROPERTY_";
  static constexpr std::string_view kafka = "KAFKA_";
  static constexpr std::string_view cluster = "CLUSTER_";
  static constexpr std::string_view webhooks = "WEBHOOKS_";
  static constexpr std::string_view imports = "IMPORTS_";
  static constexpr std::string_view feeds = "FEEDS_";
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
  if (var.compare(0, cluster.size(), cluster) == 0)
    return "cluster." + lower(var.substr(cluster.size()), '-');
  if (var.compare(0, webhooks.size(), webhooks) == 0)
    return "webhooks." + lower(var.substr(webhooks.size()), '-');
  if (var.compare(0, imports.size(), imports) == 0)
    return "imports." + lower(var.substr(imports.size()), '-');
  if (var.compare(0, feeds.size(), feeds) == 0)
    return "feeds." + lower(var.substr(feeds.size()), '-');
  return lower(std::move(var), '-');
}

} // namespace

std::vector<std::string>
environment_arguments(const app_config& cfg, char** envp,
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
    // Every Actodo option (the `global`, `kafka`, `cluster`, `webhooks`,
    // `imports` and `feeds` groups, as declared in config.cpp) has a variable;
    // CAF's own options do not.
    auto opt = cfg.find_option(name);
    auto ours = opt != nullptr
                && (opt->category() == "global" || opt->category() == "kafka"
                    || opt->category() == "cluster"
                    || opt->category() == "webhooks"
                    || opt->category() == "imports"
                    || opt->category() == "feeds");
    if (!ours && name.compare(0, 15, "kafka.property.") != 0) {
      unknown.emplace_back(std::string{prefix} + var);
      continue;
    }
    auto value = std::string{entry.substr(eq + 1)};
    // CAF takes flags without a value.
    if (ours && opt->is_flag()) {
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
