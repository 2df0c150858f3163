#include "io/console/client.hpp"

#include <csignal>
#include <cstdlib>
#include <editline/readline.h>
#include <fstream>
#include <iostream>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/io/middleman.hpp"
#include "caf/openssl/remote_actor.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "actors/interfaces.hpp"
#include "config/error.hpp"
#include "config/tls.hpp"

namespace actodo::io::console {

namespace {

struct console_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;
  std::string exec;
  bool exec_given = false;
  bool json = false;
  std::string token;
  std::string data_dir = "actodo-data";
  /// Certificate, key and CA of the TLS endpoint (default: `<data-dir>/tls`).
  config::tls_options tls;
  bool insecure = false;
  bool help = false;
};

constexpr const char* console_usage =
  R"(usage: actodo console [host:port] [options]

  --exec CMD, --exec=CMD   run one command and exit (0: it succeeded)
  --json                   answers as JSON
  --admin-token T          the node's console credential (default:
                           ACTODO_ADMIN_TOKEN, then <data-dir>/admin-token)
  --data-dir DIR           the node's data directory (default: actodo-data)
  --admin-tls-cert F, --admin-tls-key F, --admin-tls-ca F
                           PEM files of the mutual TLS (default: <data-dir>/tls)
  --admin-insecure         plain BASP (a node started with --admin-insecure)
  --help                   show this text

Valued options take `--name=value` or `--name value`. Without --exec the
console prompts (libedit); `help` there lists the commands.
)";

struct console_config : caf::actor_system_config {
  console_config() {
    load<caf::io::middleman>();
    add_message_types<caf::id_block::actodo>();
    set("logger.console", caf::atom("none"));
    set("scheduler.max-threads", 1);
  }
};

std::string env(char** envp, const std::string& name) {
  for (auto i = envp; i != nullptr && *i != nullptr; ++i) {
    std::string entry{*i};
    if (entry.compare(0, name.size() + 1, name + "=") == 0)
      return entry.substr(name.size() + 1);
  }
  return {};
}

/// The string a valued option writes to, or null for other options.
std::string* valued_option(const std::string& name, console_options& opts) {
  if (name == "--exec")
    return &opts.exec;
  if (name == "--admin-token")
    return &opts.token;
  if (name == "--data-dir")
    return &opts.data_dir;
  if (name == "--admin-tls-cert")
    return &opts.tls.certificate;
  if (name == "--admin-tls-key")
    return &opts.tls.key;
  if (name == "--admin-tls-ca")
    return &opts.tls.ca;
  return nullptr;
}

/// Reads the options in GNU style: `--name=value` or `--name value` for the
/// valued ones; the one argument without dashes is the target.
std::string parse_arguments(const std::vector<std::string>& args,
                            console_options& opts, std::string& target) {
  for (size_t i = 0; i < args.size(); ++i) {
    auto& arg = args[i];
    auto eq = arg.find('=');
    auto name = arg.substr(0, eq);
    if (auto out = valued_option(name, opts)) {
      if (eq != std::string::npos)
        *out = arg.substr(eq + 1);
      else if (i + 1 < args.size())
        *out = args[++i];
      else
        return "option " + name + " needs a value (" + name + "=VALUE or "
               + name + " VALUE)";
      opts.exec_given = opts.exec_given || name == "--exec";
    } else if (arg == "--json") {
      opts.json = true;
    } else if (arg == "--admin-insecure") {
      opts.insecure = true;
    } else if (arg == "--help" || arg == "-h") {
      opts.help = true;
    } else if (arg.compare(0, 1, "-") == 0) {
      return "unknown option " + arg;
    } else if (target.empty()) {
      target = arg;
    } else {
      return "unexpected argument " + arg + " (the target is " + target + ")";
    }
  }
  return {};
}

/// Parses the arguments; returns an error message or an empty string.
std::string parse(const std::vector<std::string>& args, char** envp,
                  console_options& opts) {
  if (auto dir = env(envp, "ACTODO_DATA_DIR"); !dir.empty())
    opts.data_dir = dir;
  opts.token = env(envp, "ACTODO_ADMIN_TOKEN");
  std::string target;
  if (auto err = parse_arguments(args, opts, target); !err.empty())
    return err;
  if (opts.help)
    return {};
  if (!target.empty()) {
    auto colon = target.rfind(':');
    if (colon == std::string::npos)
      return "expected host:port, got " + target;
    opts.host = target.substr(0, colon);
    try {
      auto port = std::stoul(target.substr(colon + 1));
      if (port == 0 || port > 65535)
        throw std::out_of_range{"port"};
      opts.port = static_cast<uint16_t>(port);
    } catch (const std::exception&) {
      return "invalid port in " + target;
    }
  }
  opts.tls.data_dir = opts.data_dir;
  if (opts.insecure
      && !(opts.tls.certificate.empty() && opts.tls.key.empty()
           && opts.tls.ca.empty()))
    return "--admin-insecure conflicts with --admin-tls-*";
  if (opts.token.empty()) {
    std::ifstream in{opts.data_dir + "/admin-token"};
    std::getline(in, opts.token);
    if (opts.token.empty())
      return "no admin token: pass --admin-token, set ACTODO_ADMIN_TOKEN or "
             "point --data-dir at the node's data directory";
  }
  return {};
}

/// Runs one command; false when it failed.
bool run_one(caf::scoped_actor& self, const actors::inspector_actor& insp,
             const console_options& opts, const std::string& line) {
  bool ok = false;
  self
    ->request(insp, std::chrono::seconds(10), atom::inspect::value, opts.token,
              line, opts.json)
    .receive(
      [&](std::string& out) {
        std::cout << out;
        if (!out.empty() && out.back() != '\n')
          std::cout << '\n';
        ok = out.compare(0, 7, "error: ") != 0
             && out.compare(0, 9, "{\"error\":") != 0;
      },
      [&](caf::error& err) {
        std::cerr << "actodo console: " << describe(err) << '\n';
      });
  return ok;
}

/// Blocks SIGINT and SIGTERM in the calling thread and in every thread it
/// starts afterwards; `trace` waits for them with `sigwait`.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

/// `trace user <id>`: prints every frame of the user until SIGINT/SIGTERM
/// (or until the node goes away).
int trace(caf::actor_system& sys, caf::scoped_actor& self,
          const actors::inspector_actor& insp, const console_options& opts,
          const std::string& user) {
  auto signals = block_stop_signals();
  auto printer = sys.spawn(
    [](actors::session_actor::pointer,
       bool) -> actors::session_actor::behavior_type {
      return {
        [](atom::frame, const actors::shared_frame& frame) {
          if (frame.text)
            std::cout << *frame.text << std::endl;
        },
        [](actors::command&) {},
        [](atom::expire) {},
        [](atom::retry) {},
      };
    },
    true);
  int64_t seq = -1;
  self
    ->request(insp, std::chrono::seconds(10), atom::subscribe::value,
              opts.token, user, printer)
    .receive([&](int64_t s) { seq = s; },
             [&](caf::error& err) {
               std::cerr << "actodo console: " << describe(err) << '\n';
             });
  if (seq < 0) {
    caf::anon_send_exit(printer, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::cerr << "tracing " << user << " from sequence " << seq
            << " (Ctrl-C ends)\n";
  int sig = 0;
  sigwait(&signals, &sig);
  caf::anon_send_exit(printer, caf::exit_reason::user_shutdown);
  return 0;
}

/// `trace user <id>` -> the id; empty for any other line.
std::string traced_user(const std::string& line) {
  return line.compare(0, 11, "trace user ") == 0 ? line.substr(11) : "";
}

/// The interactive prompt, with history in `$HOME/.actodo_history`.
void prompt(caf::actor_system& sys, caf::scoped_actor& self,
            const actors::inspector_actor& insp, const console_options& opts,
            const std::string& home) {
  std::string history;
  if (!home.empty())
    history = home + "/.actodo_history";
  using_history();
  read_history(history.c_str());
  while (char* raw = readline("actodo> ")) {
    std::string line{raw};
    std::free(raw);
    if (line == "quit" || line == "exit")
      break;
    if (line.empty())
      continue;
    add_history(line.c_str());
    if (auto user = traced_user(line); !user.empty()) {
      trace(sys, self, insp, opts, user);
      break; // Ctrl-C ends the trace and the console.
    }
    run_one(self, insp, opts, line);
  }
  write_history(history.c_str());
}

} // namespace

int run_console(const std::vector<std::string>& args, char** envp) {
  console_options opts;
  if (auto err = parse(args, envp, opts); !err.empty()) {
    std::cerr << "actodo console: " << err
              << "\n(see `actodo console --help`)\n";
    return 2;
  }
  if (opts.help) {
    std::cout << console_usage;
    return 0;
  }
  console_config cfg;
  if (!opts.insecure) {
    auto files = config::resolve_tls(opts.tls, false);
    if (!files) {
      std::cerr << "actodo console: " << describe(files.error())
                << " (or --admin-insecure for a plain endpoint)\n";
      return 2;
    }
    config::enable_tls(cfg, *files);
  }
  // A trace ends on SIGINT/SIGTERM through `sigwait`: every thread must
  // block them, so before the actor system starts its threads (else the
  // kernel may hand the signal to one of those and kill the process).
  if (opts.exec_given && !traced_user(opts.exec).empty())
    block_stop_signals();
  caf::actor_system sys{cfg};
  auto insp = opts.insecure
                ? sys.middleman().remote_actor<actors::inspector_actor>(
                  opts.host, opts.port)
                : caf::openssl::remote_actor<actors::inspector_actor>(
                  sys, opts.host, opts.port);
  if (!insp) {
    std::cerr << "actodo console: no Actodo admin endpoint at " << opts.host
              << ':' << opts.port << " (" << caf::to_string(insp.error())
              << ")\n";
    return 1;
  }
  caf::scoped_actor self{sys};
  if (opts.exec_given) {
    if (auto user = traced_user(opts.exec); !user.empty())
      return trace(sys, self, *insp, opts, user);
    return run_one(self, *insp, opts, opts.exec) ? 0 : 1;
  }
  prompt(sys, self, *insp, opts, env(envp, "HOME"));
  return 0;
}

} // namespace actodo::io::console
