#include <algorithm>
#include <array>
#include <string>

#include "caf/config_option_set.hpp"

#include "config/config.hpp"

namespace actodo::config {

namespace {

/// The option groups Actodo defines (CAF's own `global` options such as
/// `--config-file` share the first one).
constexpr std::array<caf::string_view, 6> actodo_groups{
  {"global", "kafka", "cluster", "webhooks", "imports", "feeds"}};

bool actodo_group(caf::string_view category) {
  return std::find(actodo_groups.begin(), actodo_groups.end(), category)
         != actodo_groups.end();
}

constexpr const char* help_head = "usage: actodo serve [options]  "
                                  "(--name=value or --name value)\n\n";

constexpr const char* help_tail = R"(librdkafka options:
  --kafka.property.NAME=VALUE        : any librdkafka property, checked at start

Every option also comes from an ACTODO_* environment variable (--data-dir:
ACTODO_DATA_DIR, --kafka.brokers: ACTODO_KAFKA_BROKERS) and from the config
file; the command line wins over the environment, which wins over the file.
)";

} // namespace

std::string app_config::help_text(bool all) const {
  caf::config_option_set shown;
  for (auto& opt : custom_options_)
    if (all || actodo_group(opt.category()))
      shown.add(opt);
  auto text = help_head + shown.help_text(false);
  // CAF 0.17 describes its flags as printing to STDERR; they print to STDOUT.
  static const std::string stderr_note = " to STDERR";
  for (auto at = text.find(stderr_note); at != std::string::npos;
       at = text.find(stderr_note, at))
    text.erase(at, stderr_note.size());
  text += help_tail;
  if (!all)
    text += "`actodo serve --long-help` also lists CAF's own options "
            "(scheduler, middleman,\nlogger, ...).\n";
  return text;
}

const caf::config_option* app_config::find_option(caf::string_view name) const {
  return custom_options_.cli_long_name_lookup(name);
}

const caf::config_option* app_config::find_option(caf::string_view category,
                                                  caf::string_view name) const {
  return custom_options_.qualified_name_lookup(category, name);
}

} // namespace actodo::config
