#define CAF_SUITE config.load

#include "caf/test/unit_test.hpp"

#include "config/config.hpp"
#include "config/error.hpp"

namespace {

/// Loads `cli` into a fresh config, without environment variables.
caf::error load(actodo::config::app_config& cfg, std::vector<std::string> cli) {
  char* envp[] = {nullptr};
  return actodo::config::load(cfg, cli, envp);
}

} // namespace

CAF_TEST(values follow their option joined or as the next argument) {
  actodo::config::app_config cfg;
  CAF_REQUIRE_EQUAL(load(cfg, {"--port", "0", "--data-dir=d", "--max-todos",
                               "7", "--kafka.group-id", "g", "--ws-deflate",
                               "--kafka.property.acks", "all"}),
                    caf::none);
  CAF_CHECK_EQUAL(cfg.web.port, 0u);
  CAF_CHECK_EQUAL(cfg.data_dir, "d");
  CAF_CHECK_EQUAL(cfg.lists.max_todos, 7u);
  CAF_CHECK_EQUAL(cfg.kafka.group_id, "g");
  CAF_CHECK(cfg.web.ws_deflate);
  CAF_REQUIRE_EQUAL(cfg.kafka.properties.size(), 1u);
  CAF_CHECK_EQUAL(cfg.kafka.properties[0].first, "acks");
  CAF_CHECK_EQUAL(cfg.kafka.properties[0].second, "all");
}

CAF_TEST(a valued option without its value is refused) {
  actodo::config::app_config cfg;
  auto err = load(cfg, {"--port"});
  CAF_REQUIRE(err);
  CAF_CHECK_NOT_EQUAL(actodo::describe(err).find("--port"), std::string::npos);
}

CAF_TEST(help shows Actodo groups and long help adds CAF groups) {
  actodo::config::app_config cfg;
  auto help = cfg.help_text(false);
  for (auto opt : {"--port", "--kafka.brokers", "--kafka.property.NAME",
                   "--cors-origins", "--config-file"})
    CAF_CHECK_NOT_EQUAL(help.find(opt), std::string::npos);
  for (auto opt : {"scheduler.", "middleman.", "logger."})
    CAF_CHECK_EQUAL(help.find(opt), std::string::npos);
  auto all = cfg.help_text(true);
  for (auto opt :
       {"--port", "--kafka.brokers", "--scheduler.max-threads", "--middleman."})
    CAF_CHECK_NOT_EQUAL(all.find(opt), std::string::npos);
}
