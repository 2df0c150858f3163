#include "config/metrics.hpp"

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace actodo::config {

namespace {

std::string number(double x) {
  std::ostringstream out;
  out.precision(10);
  out << x;
  return out.str();
}

void family(std::string& out, const std::string& name, const char* type,
            const char* help) {
  out += "# HELP " + name + " " + help + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

void sample(std::string& out, const std::string& name, int64_t value) {
  out += name + " " + std::to_string(value) + "\n";
}

/// Resident set size and CPU seconds of this process (Linux /proc).
void process_metrics(std::string& out) {
  std::ifstream statm{"/proc/self/statm"};
  long pages_total = 0;
  long pages_rss = 0;
  statm >> pages_total >> pages_rss;
  family(out, "process_resident_memory_bytes", "gauge",
         "Resident memory size in bytes.");
  out += "process_resident_memory_bytes "
         + std::to_string(pages_rss * sysconf(_SC_PAGESIZE)) + "\n";
  std::ifstream stat{"/proc/self/stat"};
  std::string line;
  std::getline(stat, line);
  // Fields after the command name (which may contain spaces).
  auto rest = line.substr(line.rfind(')') + 2);
  std::istringstream fields{rest};
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field; ++i)
    if (i == 14 || i == 15)
      ticks += std::stod(field);
  family(out, "process_cpu_seconds_total", "counter",
         "Total user and system CPU time spent in seconds.");
  out += "process_cpu_seconds_total "
         + number(ticks / static_cast<double>(sysconf(_SC_CLK_TCK))) + "\n";
}

std::vector<double> latency_bounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

} // namespace

histogram::histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void histogram::observe(double x) noexcept {
  size_t i = 0;
  while (i < bounds_.size() && x > bounds_[i])
    ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(x * 1e6)),
                        std::memory_order_relaxed);
}

histogram::summary histogram::snapshot() const {
  summary result;
  std::vector<uint64_t> counts;
  for (auto& c : counts_) {
    counts.push_back(c.load(std::memory_order_relaxed));
    result.count += counts.back();
  }
  result.sum = static_cast<double>(sum_micros_.load()) / 1e6;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size() && result.count > 0; ++i) {
    seen += counts[i];
    if (seen * 100 >= result.count * 99) {
      result.p99 = i < bounds_.size() ? bounds_[i] : bounds_.back();
      break;
    }
  }
  return result;
}

void histogram::render(std::string& out, const std::string& name,
                       const std::string& labels) const {
  auto with = [&](const std::string& extra) {
    auto all = labels.empty() ? extra : labels + "," + extra;
    return "{" + all + "}";
  };
  uint64_t total = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    auto le = i < bounds_.size() ? number(bounds_[i]) : std::string{"+Inf"};
    out += name + "_bucket" + with("le=\"" + le + "\"") + " "
           + std::to_string(total) + "\n";
  }
  auto braces = labels.empty() ? std::string{} : "{" + labels + "}";
  out += name + "_sum" + braces + " "
         + number(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
  out += name + "_count" + braces + " " + std::to_string(total) + "\n";
}

metrics::metrics()
  : journal_batch_size({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096}),
    journal_commit_seconds(latency_bounds()),
    reminder_lateness_seconds(
      {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60}) {}

const char* to_string(actor_kind x) {
  static constexpr const char* names[] = {
    "todo_list",          "session",  "journal",  "user_directory",
    "reminder_scheduler", "accounts", "inspector"};
  return names[static_cast<size_t>(x)];
}

void metrics::http_request(const std::string& route, const std::string& method,
                           int status, double seconds) {
  if (!enabled.load(std::memory_order_relaxed))
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  http_series* series = nullptr;
  for (auto& s : http_)
    if (s->status == status && s->route == route && s->method == method)
      series = s.get();
  if (series == nullptr) {
    http_.push_back(std::make_unique<http_series>());
    series = http_.back().get();
    series->route = route;
    series->method = method;
    series->status = status;
  }
  series->count.add();
  route_latency* lat = nullptr;
  for (auto& l : latency_)
    if (l->route == route)
      lat = l.get();
  if (lat == nullptr) {
    latency_.push_back(std::unique_ptr<route_latency>(
      new route_latency{route, histogram{latency_bounds()}}));
    lat = latency_.back().get();
  }
  lat->seconds.observe(seconds);
}

std::string metrics::render() const {
  std::string out;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    family(out, "actodo_http_requests_total", "counter",
           "HTTP requests answered, by route pattern, method and status.");
    for (auto& s : http_)
      out += "actodo_http_requests_total{route=\"" + s->route + "\",method=\""
             + s->method + "\",status=\"" + std::to_string(s->status) + "\"} "
             + std::to_string(s->count.value()) + "\n";
    family(out, "actodo_http_request_duration_seconds", "histogram",
           "Time from a parsed request to its response, by route pattern.");
    for (auto& l : latency_)
      l->seconds.render(out, "actodo_http_request_duration_seconds",
                        "route=\"" + l->route + "\"");
  }
  auto simple = [&](const char* name, const char* type, const char* help,
                    const gauge& g) {
    family(out, name, type, help);
    sample(out, name, g.value());
  };
  simple("actodo_ws_sessions", "gauge", "Open WebSocket sessions.",
         ws_sessions);
  simple("actodo_ws_frames_sent_total", "counter",
         "WebSocket frames written to clients.", ws_frames_sent);
  simple("actodo_ws_frames_received_total", "counter",
         "WebSocket messages received from clients.", ws_frames_received);
  simple("actodo_ws_slow_readers_dropped_total", "counter",
         "Sockets closed because their outbound queue was full.", ws_dropped);
  family(out, "actodo_actors", "gauge", "Live actors by kind.");
  out += "actodo_actors{kind=\"todo_list\"} "
         + std::to_string(todo_lists.value()) + "\n";
  out += "actodo_actors{kind=\"session\"} "
         + std::to_string(ws_sessions.value()) + "\n";
  family(out, "actodo_actor_messages_total", "counter",
         "Messages handled, by actor kind.");
  for (size_t i = 0; i < actor_kind_count; ++i)
    out += std::string{"actodo_actor_messages_total{kind=\""}
           + to_string(static_cast<actor_kind>(i)) + "\"} "
           + std::to_string(actors[i].handled.load(std::memory_order_relaxed))
           + "\n";
  family(out, "actodo_actor_mailbox_depth", "gauge",
         "Mailbox depth an actor of the kind saw last (sampled).");
  for (size_t i = 0; i < actor_kind_count; ++i)
    out += std::string{"actodo_actor_mailbox_depth{kind=\""}
           + to_string(static_cast<actor_kind>(i)) + "\"} "
           + std::to_string(
             actors[i].mailbox_depth.load(std::memory_order_relaxed))
           + "\n";
  simple("actodo_todo_lists_spawned_total", "counter",
         "todo_list actors spawned (first use or reload).", todo_lists_spawned);
  simple("actodo_todo_lists_passivated_total", "counter",
         "Idle todo_list actors passivated.", todo_lists_passivated);
  simple("actodo_journal_commits_total", "counter",
         "Journal transactions committed.", journal_commits);
  simple("actodo_journal_commit_failures_total", "counter",
         "Journal transactions that failed.", journal_failures);
  family(out, "actodo_journal_batch_size", "histogram",
         "Commands per journal transaction (group commit).");
  journal_batch_size.render(out, "actodo_journal_batch_size", "");
  family(out, "actodo_journal_commit_seconds", "histogram",
         "Duration of one journal transaction, fsync included.");
  journal_commit_seconds.render(out, "actodo_journal_commit_seconds", "");
  simple("actodo_reminders_pending", "gauge",
         "Todos in the due-time index (a reminder or series to wake).",
         reminders_pending);
  simple("actodo_reminders_fired_total", "counter",
         "Reminders fired (todo.reminder.due events).", reminders_fired);
  simple("actodo_reminders_backlog", "gauge",
         "Missed wakes queued for the rate-limited catch-up.",
         reminders_backlog);
  family(out, "actodo_reminder_lateness_seconds", "histogram",
         "Time from a reminder's instant to its durable firing.");
  reminder_lateness_seconds.render(out, "actodo_reminder_lateness_seconds", "");
  simple("actodo_occurrences_generated_total", "counter",
         "Next occurrences of recurring todos created.", occurrences_generated);
  simple("actodo_kafka_produced_total", "counter",
         "Kafka records acknowledged by the broker.", kafka_produced);
  simple("actodo_kafka_consumed_total", "counter",
         "Command records consumed from Kafka.", kafka_consumed);
  simple("actodo_kafka_failed_total", "counter",
         "Failed Kafka deliveries and rejected (DLQ) records.", kafka_failed);
  simple("actodo_kafka_consumer_lag", "gauge",
         "Command records behind the partitions' high watermarks.",
         kafka_consumer_lag);
  simple("actodo_kafka_outbox_backlog", "gauge",
         "Committed events not yet acknowledged by Kafka.",
         kafka_outbox_backlog);
  process_metrics(out);
  return out;
}

} // namespace actodo::config
