#include <algorithm>
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

const std::string property_prefix = "--kafka.property.";

bool help_flag(const std::string& arg) {
  return arg == "--help" || arg == "-h" || arg == "-?";
}

/// Whether `--name` (no `=`) takes the next argument as its value: every
/// option but the flags, and the librdkafka pass-through.
bool takes_value(const app_config& cfg, const std::string& arg) {
  if (arg.size() < 3 || arg.compare(0, 2, "--") != 0
      || arg.find('=') != std::string::npos)
    return false;
  if (arg.compare(0, property_prefix.size(), property_prefix) == 0)
    return arg.size() > property_prefix.size();
  auto opt = cfg.find_option(caf::string_view{arg}.substr(2));
  return opt != nullptr && !opt->is_flag();
}

/// GNU style: `--name value` becomes `--name=value` (CAF reads only the
/// latter for long options).
std::vector<std::string> join_values(const app_config& cfg,
                                     const std::vector<std::string>& cli) {
  std::vector<std::string> result;
  for (size_t i = 0; i < cli.size(); ++i) {
    if (takes_value(cfg, cli[i]) && i + 1 < cli.size()) {
      result.push_back(cli[i] + "=" + cli[i + 1]);
      ++i;
    } else {
      result.push_back(cli[i]);
    }
  }
  return result;
}

/// Answers `--help` (Actodo's options) and `--long-help` (CAF's too).
bool print_help(app_config& cfg, const std::vector<std::string>& cli) {
  auto help = std::any_of(cli.begin(), cli.end(), help_flag);
  auto long_help = std::find(cli.begin(), cli.end(), "--long-help")
                   != cli.end();
  if (!help && !long_help)
    return false;
  std::cout << cfg.help_text(long_help);
  cfg.cli_helptext_printed = true;
  return true;
}

/// Takes `--kafka.property.NAME=VALUE` out of `args` (CAF knows no
/// open-ended option names) into `cfg.kafka.properties`.
caf::error take_properties(app_config& cfg, std::vector<std::string>& args) {
  for (auto i = args.begin(); i != args.end();) {
    if (i->compare(0, property_prefix.size(), property_prefix) != 0) {
      ++i;
      continue;
    }
    auto eq = i->find('=');
    if (eq == std::string::npos || eq == property_prefix.size())
      return fail("invalid argument " + *i
                  + " (use --kafka.property.NAME=VALUE)");
    cfg.kafka.properties.emplace_back(i->substr(property_prefix.size(),
                                                eq - property_prefix.size()),
                                      i->substr(eq + 1));
    i = args.erase(i);
  }
  return caf::none;
}

/// Every entry of a config file must be an option and hold a value of its
/// type: CAF 0.17 skips unknown keys and ill-typed values without a word.
caf::error check_entries(const app_config& cfg, const caf::settings& entries,
                         const std::string& category, const std::string& file) {
  for (auto& [key, value] : entries) {
    auto name = category == "global" ? key : category + "." + key;
    if (auto group = caf::get_if<caf::settings>(&value)) {
      if (auto err = check_entries(cfg, *group, name, file))
        return err;
      continue;
    }
    auto opt = cfg.find_option(category, key);
    if (opt == nullptr)
      return fail("config file " + file + ": unknown option --" + name
                  + "; see `actodo serve --long-help`");
    if (auto err = opt->check(value))
      return fail(
        "config file " + file + ": invalid option --" + name + " (expected "
        + std::string(opt->type_name().begin(), opt->type_name().end()) + ")");
  }
  return caf::none;
}

/// CAF skips a config file it cannot open or parse; we do not.
caf::error check_config_file(const app_config& cfg, const std::string& file) {
  if (!std::ifstream{file})
    return fail("cannot read config file " + file);
  auto parsed = caf::actor_system_config::parse_config_file(file.c_str());
  if (!parsed)
    return fail("config file " + file + ": " + caf::to_string(parsed.error()));
  return check_entries(cfg, *parsed, "global", file);
}

} // namespace

caf::error load(app_config& cfg, const std::vector<std::string>& cli,
                char** envp) {
  auto gnu = join_values(cfg, cli);
  if (print_help(cfg, gnu))
    return caf::none;
  std::vector<std::string> unknown;
  auto args = environment_arguments(cfg, envp, unknown);
  for (auto& var : unknown)
    std::cerr << "actodo: ignoring unknown environment variable " << var
              << '\n';
  args.insert(args.end(), gnu.begin(), gnu.end());
  if (auto err = take_properties(cfg, args))
    return err;
  if (auto file = config_file(args); !file.empty())
    if (auto err = check_config_file(cfg, file))
      return err;
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
