#include "bench/options.hpp"

#include <stdexcept>

#include "bench/tokens.hpp"

namespace actodo::bench {

const char* usage_text
  = R"(usage: actodo_bench <scenario> --server=PATH [options]
scenarios:
  async-create   POST todos (202), latency POST -> result frame on a WebSocket
  sync-create    POST todos with Prefer: wait=5, latency POST -> 201
  fanout         one writer, --sessions WebSockets, latency to the last frame
  idle-sessions  open --idle WebSockets, server RSS per session
  reads          --preload todos, then list/filter queries
  ceiling        GET /healthz only (no actor): the yardstick for ratios
  self-check     histogram unit self-check
options:
  --server=PATH            actodo binary (started with serve --port=0)
  --report=FILE            write the JSON report there
  --connections=N          HTTP connections (default 16; fanout 1)
  --rate=R                 open loop at R requests/s; 0 = closed loop
  --duration=15s           measured window
  --warmup=2s              load before the window, not recorded
  --drain=5s               wait for outstanding answers after the window
  --sessions=100           fanout sessions
  --idle=10000             idle-sessions sockets
  --preload=2000           reads: todos created first
  --query=TARGET           reads: only this target (default: the mix of six)
  --connect-parallelism=128  WebSocket opens in flight
  --users=N                async-create: N users round-robin (token mode,
                           one WebSocket each; default 1, the local user)
  --sync=full|normal, --io-threads=N, --ws-queue-limit=N, --max-batch=N
                           passed to actodo serve
  --server-arg=--x=y       any other server option (repeatable)
  --keep-data              keep the server's temporary data directory
)";

std::chrono::milliseconds parse_duration(const std::string& text) {
  size_t used = 0;
  double value = std::stod(text, &used);
  auto unit = text.substr(used);
  double ms = 0;
  if (unit.empty() || unit == "s")
    ms = value * 1000;
  else if (unit == "ms")
    ms = value;
  else if (unit == "m" || unit == "min")
    ms = value * 60000;
  else
    throw std::invalid_argument("bad duration: " + text);
  if (ms < 0)
    throw std::invalid_argument("negative duration: " + text);
  return std::chrono::milliseconds{static_cast<long long>(ms)};
}

std::chrono::seconds options::time_limit() const {
  using std::chrono::duration_cast;
  auto total = warmup + duration + drain + std::chrono::seconds{90};
  return duration_cast<std::chrono::seconds>(total);
}

namespace {

int to_int(const std::string& key, const std::string& value) {
  size_t used = 0;
  int result = std::stoi(value, &used);
  if (used != value.size() || result < 0)
    throw std::invalid_argument("bad value for --" + key + ": " + value);
  return result;
}

} // namespace

options parse_options(int argc, char** argv) {
  options opts;
  if (argc < 2)
    throw std::invalid_argument("missing scenario");
  opts.scenario = argv[1];
  if (opts.scenario == "fanout")
    opts.connections = 1;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0)
      throw std::invalid_argument("unexpected argument: " + arg);
    auto eq = arg.find('=');
    auto key = arg.substr(2, eq == std::string::npos ? eq : eq - 2);
    auto value = eq == std::string::npos ? std::string{} : arg.substr(eq + 1);
    if (key == "server-arg")
      opts.given[key] += (opts.given[key].empty() ? "" : " ") + value;
    else
      opts.given[key] = value;
    try {
      if (key == "server")
        opts.server = value;
      else if (key == "report")
        opts.report = value;
      else if (key == "connections")
        opts.connections = to_int(key, value);
      else if (key == "rate")
        opts.rate = std::stod(value);
      else if (key == "duration")
        opts.duration = parse_duration(value);
      else if (key == "warmup")
        opts.warmup = parse_duration(value);
      else if (key == "drain")
        opts.drain = parse_duration(value);
      else if (key == "sessions")
        opts.sessions = to_int(key, value);
      else if (key == "idle")
        opts.idle = to_int(key, value);
      else if (key == "preload")
        opts.preload = to_int(key, value);
      else if (key == "query")
        opts.query = value;
      else if (key == "users")
        opts.user_count = to_int(key, value);
      else if (key == "connect-parallelism")
        opts.connect_parallelism = to_int(key, value);
      else if (key == "keep-data")
        opts.keep_data = true;
      else if (key == "sync" || key == "io-threads" || key == "ws-queue-limit"
               || key == "max-batch")
        opts.server_args.push_back(arg);
      else if (key == "server-arg")
        opts.server_args.push_back(value);
      else
        throw std::invalid_argument("unknown option --" + key);
    } catch (const std::logic_error& e) {
      if (dynamic_cast<const std::invalid_argument*>(&e) != nullptr
          && std::string{e.what()}.rfind("stod", 0) != 0
          && std::string{e.what()}.rfind("stoi", 0) != 0)
        throw;
      throw std::invalid_argument("bad value for --" + key + ": " + value);
    }
  }
  if (opts.connections < 1)
    throw std::invalid_argument("--connections must be >= 1");
  if (opts.rate < 0)
    throw std::invalid_argument("--rate must be >= 0");
  if (!opts.query.empty() && opts.query.front() != '/')
    throw std::invalid_argument("--query must be a target starting with /");
  if (opts.scenario != "self-check" && opts.server.empty())
    throw std::invalid_argument("--server=PATH is required");
  if (opts.user_count < 1 || opts.user_count > 100000)
    throw std::invalid_argument("--users must be between 1 and 100000");
  if (opts.user_count > 1) {
    if (opts.scenario != "async-create")
      throw std::invalid_argument("--users is for async-create");
    auto secret = random_secret();
    opts.users = token_users(opts.user_count, secret);
    for (auto arg : {"--auth=token", "--rate-limit=0", "--ip-rate-limit=0"})
      opts.server_args.emplace_back(arg);
    opts.server_args.push_back("--jwt-secret=" + secret);
  }
  return opts;
}

} // namespace actodo::bench
