#include "config/process_metrics.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace actodo::config {

namespace {

std::string resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  long pages_total = 0;
  long pages_rss = 0;
  statm >> pages_total >> pages_rss;
  return std::to_string(pages_rss * sysconf(_SC_PAGESIZE));
}

std::string cpu_seconds() {
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
  std::ostringstream out;
  out.precision(10);
  out << ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  return out.str();
}

} // namespace

void add_process_metrics(registry& reg) {
  reg
    .add("process_resident_memory_bytes", "Resident memory size in bytes.",
         metric_type::gauge)
    .sample(resident_bytes);
  reg
    .add("process_cpu_seconds_total",
         "Total user and system CPU time spent in seconds.",
         metric_type::counter)
    .sample(cpu_seconds);
}

} // namespace actodo::config
