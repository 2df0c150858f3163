#include <fstream>
#include <iostream>

#include "caf/sec.hpp"

#include "config/config.hpp"
#include "config/error.hpp"

namespace actodo::config {

namespace {

caf::error fail(std::string msg) {
  return caf::make_error(caf::sec::invalid_argument, std::move(msg));
}

/// Turns CAF's parser errors into a message that names the argument.
std::string explain(const caf::error& err) {
  auto text = caf::to_string(err);
  auto arg_at = text.find("\"argument\" = \"");
  auto code_at = text.find('(');
  if (arg_at == std::string::npos || code_at == std::string::npos)
    return describe(err);
  arg_at += 14;
  auto arg = text.substr(arg_at, text.find('"', arg_at) - arg_at);
  auto code = text.substr(code_at + 1, text.find(',', code_at) - code_at - 1);
  for (auto& c : code)
    if (c == '_')
      c = ' ';
  return "invalid argument " + arg + " (" + code
         + "); see `actodo serve --help`";
}

/// The value of `--config-file=...` among `args`, if any.
std::string config_file(const std::vector<std::string>& args) {
  static const std::string key = "--config-file=";
  std::string result;
  for (auto& arg : args)
    if (arg.compare(0, key.size(), key) == 0)
      result = arg.substr(key.size());
  return result;
}

} // namespace

caf::error load(app_config& cfg, const std::vector<std::string>& cli,
                char** envp) {
  std::vector<std::string> unknown;
  auto args = environment_arguments(cfg, envp, unknown);
  for (auto& var : unknown)
    std::cerr << "actodo: ignoring unknown environment variable " << var
              << '\n';
  args.insert(args.end(), cli.begin(), cli.end());
  // librdkafka pass-through: `--kafka.property.NAME=VALUE` (CAF knows no
  // open-ended option names, so they are taken out before it parses).
  static const std::string property = "--kafka.property.";
  for (auto i = args.begin(); i != args.end();) {
    if (i->compare(0, property.size(), property) != 0) {
      ++i;
      continue;
    }
    auto eq = i->find('=');
    if (eq == std::string::npos || eq == property.size())
      return fail("invalid argument " + *i
                  + " (use --kafka.property.NAME=VALUE)");
    cfg.kafka_properties.emplace_back(
      i->substr(property.size(), eq - property.size()), i->substr(eq + 1));
    i = args.erase(i);
  }
  // CAF skips a config file it cannot open or parse; we do not.
  if (auto file = config_file(args); !file.empty()) {
    if (!std::ifstream{file})
      return fail("cannot read config file " + file);
    if (auto parsed = caf::actor_system_config::parse_config_file(file.c_str());
        !parsed)
      return fail("config file " + file + ": "
                  + caf::to_string(parsed.error()));
  }
  if (auto err = cfg.parse(std::move(args)))
    return fail(explain(err));
  if (cfg.cli_helptext_printed)
    return caf::none;
  if (!cfg.remainder.empty())
    return fail("unexpected argument '" + cfg.remainder.front()
                + "' (options look like --port=8080)");
  return cfg.validate();
}

} // namespace actodo::config
